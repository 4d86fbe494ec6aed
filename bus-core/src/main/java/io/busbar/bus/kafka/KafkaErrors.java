package io.busbar.bus.kafka;

import io.busbar.bus.BusException;
import io.busbar.bus.CommitFailedException;
import io.busbar.bus.GroupNotEmptyException;
import io.busbar.bus.InvalidConfigException;
import io.busbar.bus.InvalidTopicException;
import io.busbar.bus.NoOffsetForPartitionException;
import io.busbar.bus.OffsetOutOfRangeException;
import io.busbar.bus.RecordTooLargeException;
import io.busbar.bus.TopicExistsException;
import io.busbar.bus.UnknownGroupException;
import io.busbar.bus.UnknownTopicException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns Kafka client exceptions into the bus's own, so pipelines handle failures the same on both backends. */
final class KafkaErrors {
    private KafkaErrors() {
    }

    static BusException translate(Throwable error) {
        Throwable e = error;
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof BusException be) {
            return be;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof org.apache.kafka.common.errors.RecordTooLargeException
                || e instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException) {
            return new RecordTooLargeException(message + " (raise the topic's max.message.bytes or send smaller records)", e);
        }
        if (e instanceof UnknownTopicOrPartitionException) {
            return new UnknownTopicException(message, e);
        }
        if (e instanceof org.apache.kafka.common.errors.TopicExistsException) {
            return new TopicExistsException(message, e);
        }
        if (e instanceof org.apache.kafka.common.errors.InvalidTopicException) {
            return new InvalidTopicException(message, e);
        }
        if (e instanceof org.apache.kafka.clients.consumer.CommitFailedException) {
            return new CommitFailedException(message, e);
        }
        if (e instanceof org.apache.kafka.common.errors.GroupNotEmptyException) {
            return new GroupNotEmptyException(message + " (stop its consumers first)", e);
        }
        if (e instanceof GroupIdNotFoundException) {
            return new UnknownGroupException(message);
        }
        if (e instanceof org.apache.kafka.clients.consumer.NoOffsetForPartitionException) {
            return new NoOffsetForPartitionException(message, e);
        }
        if (e instanceof org.apache.kafka.clients.consumer.OffsetOutOfRangeException) {
            return new OffsetOutOfRangeException(message, e);
        }
        if (e instanceof org.apache.kafka.common.errors.AuthenticationException) {
            return new BusException("Kafka refused the login: " + message + " (check busbar.kafka.client.security.protocol"
                    + " and the busbar.kafka.client.sasl.* / ssl.* settings)", e);
        }
        if (e instanceof org.apache.kafka.common.errors.AuthorizationException) {
            return new BusException("Kafka denied access: " + message + " (grant Busbar's principal the ACLs it needs:"
                    + " read/write/create on its topics, read on its groups)", e);
        }
        if (e instanceof InvalidConfigurationException || e instanceof org.apache.kafka.common.config.ConfigException) {
            return new InvalidConfigException(message, e);
        }
        return new BusException("Kafka: " + message, e);
    }
}
