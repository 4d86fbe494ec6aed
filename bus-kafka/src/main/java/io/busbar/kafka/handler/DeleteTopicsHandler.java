package io.busbar.kafka.handler;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** DeleteTopics by name (v1-5) or by name or id (v6). Internal topics are refused. Thread-safe. */
final class DeleteTopicsHandler implements ApiHandler {

    private final EmbeddedBus bus;
    private final ProducerStateTable producers;

    DeleteTopicsHandler(EmbeddedBus bus, ProducerStateTable producers) {
        this.bus = bus;
        this.producers = producers;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DeleteTopicsRequestData request = (DeleteTopicsRequestData) message;
        List<DeleteTopicsRequestData.DeleteTopicState> wanted = new ArrayList<>(request.topics());
        request.topicNames().forEach(n -> wanted.add(new DeleteTopicsRequestData.DeleteTopicState().setName(n)));
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        for (DeleteTopicsRequestData.DeleteTopicState w : wanted) {
            DeletableTopicResult result = new DeletableTopicResult().setName(w.name()).setTopicId(w.topicId());
            response.responses().add(result);
            Optional<TopicMetadata> topic = w.name() != null ? bus.topic(w.name())
                    : Uuid.ZERO_UUID.equals(w.topicId()) ? Optional.empty() : bus.topicById(TopicIds.toBus(w.topicId()));
            if (topic.isEmpty()) {
                result.setErrorCode((w.name() != null ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.UNKNOWN_TOPIC_ID).code());
                continue;
            }
            TopicMetadata t = topic.get();
            result.setName(t.name()).setTopicId(TopicIds.toKafka(t.topicId()));
            if (t.internal()) {
                result.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage("Internal topic '" + t.name() + "' cannot be deleted");
                continue;
            }
            try {
                bus.admin().deleteTopic(t.name());
                producers.forgetTopic(t.name());
                result.setErrorCode(Errors.NONE.code());
            } catch (RuntimeException e) {
                result.setErrorCode(ErrorMapping.of(e).code()).setErrorMessage(ErrorMapping.message(e));
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
