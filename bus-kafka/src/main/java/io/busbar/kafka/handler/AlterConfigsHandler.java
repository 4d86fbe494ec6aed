package io.busbar.kafka.handler;

import io.busbar.bus.TopicConfig;
import io.busbar.bus.embedded.EmbeddedBus;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * AlterConfigs, the older whole-set form: the request's settings replace the topic's, and every setting it leaves
 * out goes back to its default, as Kafka does. Thread-safe.
 */
final class AlterConfigsHandler implements ApiHandler {

    private final TopicConfigAlteration alteration;

    AlterConfigsHandler(EmbeddedBus bus) {
        this.alteration = new TopicConfigAlteration(bus);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        AlterConfigsRequestData request = (AlterConfigsRequestData) message;
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        for (AlterConfigsResource resource : request.resources()) {
            Map<String, String> settings = new HashMap<>();
            alteration.current(resource.resourceType(), resource.resourceName())
                    .map(TopicConfig::toMap).orElse(Map.of()).keySet().forEach(name -> settings.put(name, null));
            resource.configs().forEach(c -> settings.put(c.name(), c.value()));
            TopicConfigAlteration.Outcome outcome = alteration.apply(resource.resourceType(), resource.resourceName(),
                    settings, request.validateOnly());
            response.responses().add(new AlterConfigsResourceResponse().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName()).setErrorCode(outcome.error().code())
                    .setErrorMessage(outcome.message()));
        }
        return CompletableFuture.completedFuture(response);
    }
}
