package io.busbar.kafka.handler;

import io.busbar.bus.TopicConfig;
import io.busbar.bus.embedded.EmbeddedBus;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * IncrementalAlterConfigs ({@code kafka-configs --alter}, {@code Admin.incrementalAlterConfigs}): SET, DELETE (back
 * to the default), and APPEND/SUBTRACT on the list settings, as Kafka does. Thread-safe.
 */
final class IncrementalAlterConfigsHandler implements ApiHandler {

    /** The topic settings Kafka types as lists: the only ones APPEND and SUBTRACT apply to. */
    private static final Set<String> LISTS = Set.of(TopicConfig.CLEANUP_POLICY,
            "leader.replication.throttled.replicas", "follower.replication.throttled.replicas");

    private final TopicConfigAlteration alteration;

    IncrementalAlterConfigsHandler(EmbeddedBus bus) {
        this.alteration = new TopicConfigAlteration(bus);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        IncrementalAlterConfigsRequestData request = (IncrementalAlterConfigsRequestData) message;
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        for (AlterConfigsResource resource : request.resources()) {
            AlterConfigsResourceResponse result = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            TopicConfigAlteration.Outcome outcome;
            try {
                Map<String, String> settings = settings(resource);
                outcome = alteration.apply(resource.resourceType(), resource.resourceName(), settings, request.validateOnly());
            } catch (IllegalArgumentException e) {
                outcome = new TopicConfigAlteration.Outcome(Errors.INVALID_CONFIG, e.getMessage());
            }
            result.setErrorCode(outcome.error().code()).setErrorMessage(outcome.message());
        }
        return CompletableFuture.completedFuture(response);
    }

    private Map<String, String> settings(AlterConfigsResource resource) {
        Map<String, String> current = alteration.current(resource.resourceType(), resource.resourceName())
                .map(TopicConfig::toMap).orElse(Map.of());
        Map<String, String> settings = new HashMap<>();
        for (AlterableConfig c : resource.configs()) {
            AlterConfigOp.OpType op = AlterConfigOp.OpType.forId(c.configOperation());
            if (op == null) {
                throw new IllegalArgumentException("Unknown operation " + c.configOperation() + " on '" + c.name() + "'");
            }
            switch (op) {
                case SET -> settings.put(c.name(), c.value());
                case DELETE -> settings.put(c.name(), null);
                case APPEND, SUBTRACT -> {
                    if (!LISTS.contains(c.name())) {
                        throw new IllegalArgumentException(op + " applies to list settings " + LISTS + " only, not '"
                                + c.name() + "': use SET");
                    }
                    List<String> items = new ArrayList<>(split(settings.getOrDefault(c.name(), current.get(c.name()))));
                    for (String item : split(c.value())) {
                        if (op == AlterConfigOp.OpType.APPEND && !items.contains(item)) {
                            items.add(item);
                        } else if (op == AlterConfigOp.OpType.SUBTRACT) {
                            items.remove(item);
                        }
                    }
                    settings.put(c.name(), String.join(",", items));
                }
            }
        }
        return settings;
    }

    private static List<String> split(String value) {
        return value == null || value.isBlank() ? List.of()
                : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
