package io.busbar.kafka.handler;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeConfigs: a topic's settings (every one Kafka 4.1 has, with its source: {@link TopicConfigSources}); a broker has no describable settings (empty list). Thread-safe.
 */
final class DescribeConfigsHandler implements ApiHandler {

    private final EmbeddedBus bus;

    DescribeConfigsHandler(EmbeddedBus bus) {
        this.bus = bus;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DescribeConfigsRequestData request = (DescribeConfigsRequestData) message;
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsRequestData.DescribeConfigsResource resource : request.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName()).setErrorCode(Errors.NONE.code());
            response.results().add(result);
            if (resource.resourceType() == ConfigResource.Type.BROKER.id()) {
                continue;
            }
            if (resource.resourceType() != ConfigResource.Type.TOPIC.id()) {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Only topic and broker configs can be described");
                continue;
            }
            Optional<TopicMetadata> topic = bus.topic(resource.resourceName());
            if (topic.isEmpty()) {
                result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                        .setErrorMessage("Topic '" + resource.resourceName() + "' does not exist");
                continue;
            }
            TopicConfigSources.of(bus, topic.get().config()).forEach((name, entry) -> {
                if (resource.configurationKeys() != null && !resource.configurationKeys().contains(name)) {
                    return;
                }
                result.configs().add(new DescribeConfigsResourceResult().setName(name).setValue(entry.value())
                        .setReadOnly(false).setIsSensitive(false).setConfigSource(entry.source().id()));
            });
        }
        return CompletableFuture.completedFuture(response);
    }
}
