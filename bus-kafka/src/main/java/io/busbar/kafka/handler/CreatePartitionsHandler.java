package io.busbar.kafka.handler;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** CreatePartitions: grows a topic to the requested count (never shrinks). Thread-safe. */
final class CreatePartitionsHandler implements ApiHandler {

    private final EmbeddedBus bus;

    CreatePartitionsHandler(EmbeddedBus bus) {
        this.bus = bus;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        CreatePartitionsRequestData request = (CreatePartitionsRequestData) message;
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        for (CreatePartitionsRequestData.CreatePartitionsTopic topic : request.topics()) {
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(topic.name());
            response.results().add(result);
            Optional<TopicMetadata> meta = bus.topic(topic.name());
            if (meta.isEmpty()) {
                result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                        .setErrorMessage("Topic '" + topic.name() + "' does not exist");
            } else if (topic.count() <= meta.get().partitions()) {
                result.setErrorCode(Errors.INVALID_PARTITIONS.code()).setErrorMessage("Topic '" + topic.name()
                        + "' has " + meta.get().partitions() + " partitions; the new count must be larger, got " + topic.count());
            } else if (request.validateOnly()) {
                result.setErrorCode(Errors.NONE.code());
            } else {
                try {
                    bus.admin().createPartitions(topic.name(), topic.count());
                    result.setErrorCode(Errors.NONE.code());
                } catch (RuntimeException e) {
                    result.setErrorCode(ErrorMapping.of(e).code()).setErrorMessage(ErrorMapping.message(e));
                }
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
