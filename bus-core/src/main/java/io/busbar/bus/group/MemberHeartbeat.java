package io.busbar.bus.group;

import io.busbar.bus.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The heartbeat of one in-process member, run on the coordinator's timer every heartbeat.interval.ms so that a
 * consumer busy processing stays in its group. It also enforces max.poll.interval.ms: when the consumer has not
 * polled for that long, it leaves the group for it (as Kafka's heartbeat thread does). What it learns — rejoin,
 * or membership lost — it leaves in flags that the consumer thread takes in its next poll.
 *
 * <p>Thread-safe: written by the consumer thread and the timer thread through volatile and atomic fields only.
 */
final class MemberHeartbeat {
    private static final Logger LOG = LoggerFactory.getLogger(MemberHeartbeat.class);

    private final GroupCoordinator coordinator;
    private final GroupContext context;
    private final ConsumerConfig config;
    private final ScheduledExecutorService timer;
    /** The generation heartbeats are sent for; null while the member is not in a stable generation. */
    private volatile MemberGeneration beating;
    private volatile long lastPollMs;
    /** Generation id the member must rejoin from (heartbeat answer, coordinator push, cooperative revocation); -1: none. */
    private final AtomicInteger rejoinRequestedFor = new AtomicInteger(-1);
    /** Generation in which the member was dropped (unknown member, stale generation, poll timeout). */
    private final AtomicReference<MemberGeneration> lostIn = new AtomicReference<>();
    private volatile ScheduledFuture<?> task;
    private volatile boolean stopped;
    /** Tells the consumer thread to poll soon (completes the member's pollNeeded future). */
    private final Runnable attention;

    MemberHeartbeat(GroupCoordinator coordinator, GroupContext context, ConsumerConfig config, ScheduledExecutorService timer,
                    Runnable attention) {
        this.attention = attention;
        this.coordinator = coordinator;
        this.context = context;
        this.config = config;
        this.timer = timer;
        this.lastPollMs = context.nowMs();
    }

    synchronized void start() {
        if (task == null && !stopped) {
            task = timer.scheduleAtFixedRate(this::beat, config.heartbeatIntervalMs(), config.heartbeatIntervalMs(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Stops for good (close, or a simulated crash in tests). */
    synchronized void stop() {
        stopped = true;
        if (task != null) {
            task.cancel(false);
        }
    }

    boolean stopped() {
        return stopped;
    }

    void polled() {
        lastPollMs = context.nowMs();
    }

    /** Heartbeats from now on for this stable generation, or pause them (null) while (re)joining. */
    void beatFor(MemberGeneration generation) {
        beating = generation;
    }

    void requestRejoin(int generationId) {
        if (!stopped) {
            rejoinRequestedFor.set(generationId);
            attention.run();
        }
    }

    /** Whether a rejoin was requested for this generation; clears the request. */
    boolean takeRejoinRequest(int generationId) {
        int requested = rejoinRequestedFor.get();
        return requested >= 0 && requested == generationId && rejoinRequestedFor.compareAndSet(requested, -1);
    }

    /** The generation in which the member was dropped, if any; clears it. */
    MemberGeneration takeLost() {
        return lostIn.getAndSet(null);
    }

    private void beat() {
        try {
            MemberGeneration g = beating;
            if (g == null || stopped) {
                return;
            }
            if (context.nowMs() - lastPollMs > config.maxPollIntervalMs()) {
                LOG.warn("Consumer '{}' did not poll for more than max.poll.interval.ms ({} ms): it leaves group '{}'"
                        + " and its partitions go to other members (poll more often or lower max.poll.records)",
                        config.clientId(), config.maxPollIntervalMs(), config.groupId());
                beating = null;
                coordinator.leaveGroup(config.groupId(), g.memberId());
                lostIn.set(g);
                attention.run();
                return;
            }
            GroupError error = coordinator.heartbeat(config.groupId(), g.id(), g.memberId()).getNow(GroupError.NONE);
            switch (error) {
                case REBALANCE_IN_PROGRESS -> requestRejoin(g.id());
                case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION -> {
                    if (beating == g) {
                        beating = null;
                    }
                    lostIn.set(g);
                    attention.run();
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            LOG.warn("Heartbeat of consumer '{}' in group '{}' failed", config.clientId(), config.groupId(), e);
        }
    }
}
