package io.busbar.bus.group;

import io.busbar.bus.CommitFailedException;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.TopicPartition;

import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Offset commits of one in-process member: synchronous ones wait until durable; asynchronous ones have their
 * callback run on the consumer thread (in a later poll, commit or close), as Kafka does.
 *
 * <p>Thread-safe: the callback queue is filled by whichever thread completes the commit and drained by the consumer.
 */
final class MemberCommits {
    private static final long COMMIT_TIMEOUT_MS = 60_000;

    private final GroupCoordinator coordinator;
    private final ConsumerConfig config;
    private final Queue<Runnable> callbacks = new ConcurrentLinkedQueue<>();

    MemberCommits(GroupCoordinator coordinator, ConsumerConfig config) {
        this.coordinator = coordinator;
        this.config = config;
    }

    /** @throws CommitFailedException when the coordinator refuses the commit or it does not become durable */
    void commitSync(MemberGeneration g, Map<TopicPartition, CommittedOffset> offsets) {
        runCallbacks();
        if (offsets.isEmpty()) {
            return;
        }
        Map<TopicPartition, GroupError> result;
        try {
            result = coordinator.commitOffsets(config.groupId(), g.id(), g.memberId(), offsets)
                    .get(COMMIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommitFailedException("Interrupted while committing offsets of group '" + config.groupId() + "'", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new CommitFailedException("Commit of group '" + config.groupId() + "' did not complete: " + e, e);
        }
        GroupError error = firstError(result);
        if (error != GroupError.NONE) {
            throw commitFailed(error, g);
        }
    }

    void commitAsync(MemberGeneration g, Map<TopicPartition, CommittedOffset> offsets,
                     BiConsumer<Map<TopicPartition, CommittedOffset>, Throwable> callback) {
        Map<TopicPartition, CommittedOffset> copy = Map.copyOf(offsets);
        coordinator.commitOffsets(config.groupId(), g.id(), g.memberId(), copy).whenComplete((result, failure) -> {
            Throwable error = failure;
            if (error == null && firstError(result) != GroupError.NONE) {
                error = commitFailed(firstError(result), g);
            }
            Throwable e = error;
            if (callback != null) {
                callbacks.add(() -> callback.accept(copy, e));
            }
        });
    }

    Map<TopicPartition, CommittedOffset> committed(Set<TopicPartition> partitions) {
        return coordinator.fetchOffsets(config.groupId(), partitions);
    }

    /** Runs the callbacks of completed asynchronous commits; on the consumer thread. */
    void runCallbacks() {
        Runnable r;
        while ((r = callbacks.poll()) != null) {
            r.run();
        }
    }

    private static GroupError firstError(Map<TopicPartition, GroupError> result) {
        return result.values().stream().filter(e -> e != GroupError.NONE).findFirst().orElse(GroupError.NONE);
    }

    private CommitFailedException commitFailed(GroupError error, MemberGeneration g) {
        String why = switch (error) {
            case ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID -> g.id() < 0
                    ? "the group has active members and this consumer is not one of them (subscribe and poll, or use another group)"
                    : "this consumer is no longer a member of generation " + g.id()
                    + " (its partitions were reassigned after a rebalance, session timeout or max.poll.interval.ms);"
                    + " records processed since the last commit will be processed again by their new owner";
            case REBALANCE_IN_PROGRESS -> "the group is rebalancing; commit again after the next poll";
            case KAFKA_STORAGE_ERROR -> "the commit could not be made durable (check the data directory's disk)";
            case OFFSET_METADATA_TOO_LARGE -> "offset metadata is longer than " + OffsetStore.MAX_METADATA_CHARS + " characters";
            default -> error.toString();
        };
        return new CommitFailedException("Commit of group '" + config.groupId() + "' by consumer '" + config.clientId()
                + "' refused (" + error + "): " + why);
    }
}
