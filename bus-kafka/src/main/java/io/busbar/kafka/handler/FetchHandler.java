package io.busbar.kafka.handler;

import io.busbar.bus.OffsetOutOfRangeException;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import io.busbar.bus.log.LogReadResult;
import io.busbar.bus.log.PartitionLog;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Records;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fetch with incremental fetch sessions ({@link FetchSessions}, KIP-227): byte slices of the segment files up to the
 * byte limits, as Kafka sends them ({@link PartitionLog#readSlice}: the last batch may be partial, and the client
 * drops it), sent zero-copy by the encoder; at least one whole batch for the first partition with data even if larger
 * than the limits (KIP-74); a full fetch answers every requested partition, an incremental one only the partitions
 * with something new.
 *
 * <p>Long-poll: if fewer than {@code min_bytes} are available, the fetch waits for a high watermark to move or for
 * {@code max_wait_ms}, without holding a thread. Offsets between the high watermark and the log end (appended, not yet
 * durable) read as empty, not out of range, as in Kafka.
 *
 * <p>{@code isolation.level=read_committed} reads up to the last stable offset (whole batches below it) and returns
 * the aborted transactions in the range, so the client drops their records, as Kafka does. Thread-safe.
 */
final class FetchHandler implements ApiHandler {

    private final EmbeddedBus bus;
    private final HighWatermarkWatch watch;
    private final ProducerStateTable producers;
    private final FetchSessions sessions = new FetchSessions();

    FetchHandler(EmbeddedBus bus, HighWatermarkWatch watch, ProducerStateTable producers) {
        this.bus = bus;
        this.watch = watch;
        this.producers = producers;
    }

    /** One requested partition, resolved once. */
    private record Target(String topic, Uuid topicId, FetchRequestData.FetchPartition request, PartitionLog log,
                          Errors error) { }

    private record Attempt(FetchResponseData response, int bytes, boolean error, List<long[]> seen) { }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        FetchRequestData request = (FetchRequestData) message;
        short version = context.apiVersion();
        FetchSessions.Opened session = null;
        if (version >= 7) {
            session = sessions.open(request, version);
            if (session.error() != Errors.NONE) {
                return CompletableFuture.completedFuture(new FetchResponseData()
                        .setErrorCode(session.error().code()).setSessionId(0));
            }
            request = session.full();
        }
        List<Target> targets = resolve(request, version);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, request.maxWaitMs()));
        CompletableFuture<ApiMessage> answer = new CompletableFuture<>();
        attempt(context, request, targets, deadline, answer);
        if (session == null) {
            return answer;
        }
        FetchSessions.Opened opened = session;
        return answer.thenApply(response -> {
            sessions.answered(opened, (FetchResponseData) response, version);
            return response;
        });
    }

    /** Open incremental fetch sessions (for tests and metrics). */
    int sessionCount() {
        return sessions.size();
    }

    private List<Target> resolve(FetchRequestData request, short version) {
        List<Target> targets = new ArrayList<>();
        for (FetchRequestData.FetchTopic t : request.topics()) {
            Optional<TopicMetadata> topic = version >= 13 ? bus.topicById(TopicIds.toBus(t.topicId())) : bus.topic(t.topic());
            Errors missing = version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
            for (FetchRequestData.FetchPartition p : t.partitions()) {
                if (topic.isEmpty() || p.partition() < 0 || p.partition() >= topic.get().partitions()) {
                    targets.add(new Target(t.topic(), t.topicId(), p, null,
                            topic.isEmpty() ? missing : Errors.UNKNOWN_TOPIC_OR_PARTITION));
                    continue;
                }
                String name = topic.get().name();
                try {
                    PartitionLog log = bus.partitionLog(new TopicPartition(name, p.partition()));
                    targets.add(new Target(name, t.topicId(), p, log, Errors.NONE));
                } catch (RuntimeException e) {
                    targets.add(new Target(name, t.topicId(), p, null, ErrorMapping.of(e)));
                }
            }
        }
        return targets;
    }

    private void attempt(RequestContext context, FetchRequestData request, List<Target> targets, long deadline,
                         CompletableFuture<ApiMessage> answer) {
        if (answer.isDone()) {
            return; // cancelled: the connection closed while the fetch waited
        }
        Attempt a;
        try {
            a = read(request, targets);
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
            return;
        }
        long remainingNanos = deadline - System.nanoTime();
        if (a.bytes >= request.minBytes() || a.error || remainingNanos <= 0 || a.seen.isEmpty()) {
            answer.complete(a.response);
            return;
        }
        AtomicBoolean woken = new AtomicBoolean();
        List<HighWatermarkWatch.Registration> registrations = new ArrayList<>();
        ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
        Runnable wake = () -> {
            if (woken.compareAndSet(false, true)) {
                context.scheduler().execute(() -> {
                    registrations.forEach(HighWatermarkWatch.Registration::cancel);
                    if (timer[0] != null) {
                        timer[0].cancel(false);
                    }
                    attempt(context, request, targets, deadline, answer);
                });
            }
        };
        synchronized (registrations) {
            timer[0] = context.scheduler().schedule(wake, remainingNanos, TimeUnit.NANOSECONDS);
            for (int i = 0; i < a.seen.size(); i++) {
                Target t = targets.get((int) a.seen.get(i)[0]);
                registrations.add(watch.register(t.log, a.seen.get(i)[1], wake));
            }
        }
    }

    private Attempt read(FetchRequestData request, List<Target> targets) {
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0);
        int maxBytes = request.maxBytes() > 0 ? request.maxBytes() : Integer.MAX_VALUE;
        int bytes = 0;
        boolean error = false;
        List<long[]> seen = new ArrayList<>();
        boolean readCommitted = request.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        FetchableTopicResponse topicResponse = null;
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            if (topicResponse == null || !topicResponse.topic().equals(t.topic) || !topicResponse.topicId().equals(t.topicId)) {
                topicResponse = new FetchableTopicResponse().setTopic(t.topic).setTopicId(t.topicId);
                response.responses().add(topicResponse);
            }
            PartitionData data = new PartitionData().setPartitionIndex(t.request.partition())
                    .setRecords(MemoryRecords.EMPTY).setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1);
            topicResponse.partitions().add(data);
            if (t.error != Errors.NONE) {
                data.setErrorCode(t.error.code());
                error = true;
                continue;
            }
            PartitionLog log = t.log;
            long offset = t.request.fetchOffset();
            long hw = log.highWatermark();
            long start = log.logStartOffset();
            long lso = readCommitted ? producers.lastStableOffset(log.topicPartition(), log) : hw;
            data.setHighWatermark(hw).setLastStableOffset(lso).setLogStartOffset(start);
            if (offset < start || offset > Math.max(hw, log.logEndOffset())) {
                data.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                error = true;
                continue;
            }
            seen.add(new long[] {i, hw});
            int limit = Math.min(t.request.partitionMaxBytes(), maxBytes - bytes);
            if (offset >= lso || (limit <= 0 && bytes > 0)) {
                continue;
            }
            try {
                // read_committed cuts at the last stable offset, batch by batch; otherwise Kafka's byte slice
                LogReadResult result = readCommitted ? log.read(offset, Math.max(limit, 0), bytes == 0)
                        : log.readSlice(offset, Math.max(limit, 0), bytes == 0);
                Records records = result.records();
                data.setHighWatermark(result.highWatermark()).setLogStartOffset(result.logStartOffset());
                if (readCommitted) {
                    records = StableRecords.below(records, lso);
                    data.setAbortedTransactions(producers.abortedTransactions(log.topicPartition(), log, offset, lso).stream()
                            .map(a -> new FetchResponseData.AbortedTransaction().setProducerId(a.producerId())
                                    .setFirstOffset(a.firstOffset())).toList());
                } else {
                    data.setLastStableOffset(result.highWatermark());
                }
                data.setRecords(records);
                bytes += records.sizeInBytes();
            } catch (OffsetOutOfRangeException e) {
                data.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                error = true;
            } catch (RuntimeException e) {
                // e.g. the topic was deleted while the fetch waited: the client refreshes its metadata
                data.setErrorCode(ErrorMapping.of(e).code());
                error = true;
            }
        }
        return new Attempt(response, bytes, error, seen);
    }
}
