package io.busbar.kafka.handler;

import io.busbar.bus.BusClosedException;
import io.busbar.bus.GroupNotEmptyException;
import io.busbar.bus.InvalidConfigException;
import io.busbar.bus.InvalidTopicException;
import io.busbar.bus.OffsetOutOfRangeException;
import io.busbar.bus.RecordTooLargeException;
import io.busbar.bus.StorageException;
import io.busbar.bus.TopicExistsException;
import io.busbar.bus.UnknownGroupException;
import io.busbar.bus.UnknownTopicException;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Kafka error codes for the bus's exceptions (and Kafka's own). Stateless. */
final class ErrorMapping {

    private ErrorMapping() {
    }

    static Errors of(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof UnknownTopicException) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (e instanceof InvalidTopicException) {
            return Errors.INVALID_TOPIC_EXCEPTION;
        } else if (e instanceof TopicExistsException) {
            return Errors.TOPIC_ALREADY_EXISTS;
        } else if (e instanceof InvalidConfigException) {
            return Errors.INVALID_CONFIG;
        } else if (e instanceof RecordTooLargeException) {
            return Errors.MESSAGE_TOO_LARGE;
        } else if (e instanceof OffsetOutOfRangeException) {
            return Errors.OFFSET_OUT_OF_RANGE;
        } else if (e instanceof StorageException) {
            return Errors.KAFKA_STORAGE_ERROR;
        } else if (e instanceof UnknownGroupException) {
            return Errors.GROUP_ID_NOT_FOUND;
        } else if (e instanceof GroupNotEmptyException) {
            return Errors.NON_EMPTY_GROUP;
        } else if (e instanceof BusClosedException) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        } else if (e instanceof IllegalArgumentException) {
            return Errors.INVALID_REQUEST;
        }
        return Errors.forException(e);
    }

    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static String message(Throwable t) {
        Throwable e = unwrap(t);
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
