package io.busbar.kafka.handler;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Incremental fetch sessions (KIP-227). A consumer with a session sends only the partitions whose fetch position
 * changed and gets back only the partitions with something new (records, an error, or a moved high watermark, last
 * stable offset or log start), so a member of many partitions stops resending and re-reading its whole list on every
 * fetch. Full fetches (epoch 0) open a session; incremental ones (epoch &gt; 0) must carry the next epoch; epoch -1 is
 * a sessionless full fetch and closes the named session. Sessions are kept in an LRU of
 * {@value #MAX_SESSIONS} (Kafka's {@code max.incremental.fetch.session.cache.slots} default); an evicted or unknown
 * session gets {@code FETCH_SESSION_ID_NOT_FOUND} and the client starts over with a full fetch. Thread-safe.
 */
final class FetchSessions {

    static final int MAX_SESSIONS = 1000;
    static final int INITIAL_EPOCH = 0;
    static final int FINAL_EPOCH = -1;

    /** One partition of a session: what the client last asked for and what it was last told. */
    private static final class CachedPartition {
        final String topic;
        final Uuid topicId;
        final FetchRequestData.FetchPartition request;
        long highWatermark = -2;
        long lastStableOffset = -2;
        long logStartOffset = -2;

        CachedPartition(String topic, Uuid topicId, FetchRequestData.FetchPartition request) {
            this.topic = topic;
            this.topicId = topicId;
            this.request = request;
        }
    }

    /** A session: its partitions in the order the client added them, and the epoch its next request must carry. */
    static final class Session {
        final int id;
        private final Map<String, CachedPartition> partitions = new LinkedHashMap<>();
        private int nextEpoch = 1;

        Session(int id) {
            this.id = id;
        }
    }

    /** What a request resolves to: the full list of partitions to read, and the session (null: sessionless). */
    record Opened(Errors error, FetchRequestData full, Session session, boolean incremental) { }

    private final LinkedHashMap<Integer, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * Applies a Fetch request (v7+) to its session and returns the full request to serve; {@code error} set when the
     * session is unknown or the epoch is not the expected one (the response then carries only that error).
     */
    Opened open(FetchRequestData request, short version) {
        int id = request.sessionId();
        int epoch = request.sessionEpoch();
        if (epoch == FINAL_EPOCH) {
            if (id != 0) {
                remove(id);
            }
            return new Opened(Errors.NONE, request, null, false);
        }
        if (epoch == INITIAL_EPOCH) {
            if (id != 0) {
                remove(id);
            }
            Session session = create();
            synchronized (session) {
                apply(session, request, version);
                return new Opened(Errors.NONE, request, session, false);
            }
        }
        Session session;
        synchronized (this) {
            session = sessions.get(id);
        }
        if (session == null) {
            return new Opened(Errors.FETCH_SESSION_ID_NOT_FOUND, null, null, true);
        }
        synchronized (session) {
            if (epoch != session.nextEpoch) {
                return new Opened(Errors.INVALID_FETCH_SESSION_EPOCH, null, null, true);
            }
            session.nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
            for (FetchRequestData.ForgottenTopic forgotten : request.forgottenTopicsData()) {
                for (int p : forgotten.partitions()) {
                    session.partitions.remove(key(version >= 13 ? forgotten.topicId().toString() : forgotten.topic(), p));
                }
            }
            apply(session, request, version);
            FetchRequestData full = new FetchRequestData().setMaxWaitMs(request.maxWaitMs())
                    .setMinBytes(request.minBytes()).setMaxBytes(request.maxBytes())
                    .setIsolationLevel(request.isolationLevel()).setSessionId(id).setSessionEpoch(epoch);
            FetchRequestData.FetchTopic current = null;
            for (CachedPartition c : session.partitions.values()) {
                if (current == null || !current.topic().equals(c.topic) || !current.topicId().equals(c.topicId)) {
                    current = new FetchRequestData.FetchTopic().setTopic(c.topic).setTopicId(c.topicId);
                    full.topics().add(current);
                }
                current.partitions().add(c.request.duplicate());
            }
            return new Opened(Errors.NONE, full, session, true);
        }
    }

    /**
     * Records what the client is told and, for an incremental fetch, leaves out the partitions with nothing new
     * (no records, no error, the same high watermark, last stable offset and log start as last time).
     */
    void answered(Opened opened, FetchResponseData response, short version) {
        Session session = opened.session();
        if (session == null) {
            return;
        }
        response.setSessionId(session.id);
        synchronized (session) {
            for (Iterator<FetchResponseData.FetchableTopicResponse> topics = response.responses().iterator(); topics.hasNext(); ) {
                FetchResponseData.FetchableTopicResponse t = topics.next();
                String topicKey = version >= 13 ? t.topicId().toString() : t.topic();
                t.partitions().removeIf(p -> {
                    CachedPartition c = session.partitions.get(key(topicKey, p.partitionIndex()));
                    if (c == null) {
                        return false;
                    }
                    boolean changed = p.errorCode() != Errors.NONE.code() || p.records().sizeInBytes() > 0
                            || p.highWatermark() != c.highWatermark || p.lastStableOffset() != c.lastStableOffset
                            || p.logStartOffset() != c.logStartOffset;
                    c.highWatermark = p.highWatermark();
                    c.lastStableOffset = p.lastStableOffset();
                    c.logStartOffset = p.logStartOffset();
                    return opened.incremental() && !changed;
                });
                if (t.partitions().isEmpty() && opened.incremental()) {
                    topics.remove();
                }
            }
        }
    }

    synchronized int size() {
        return sessions.size();
    }

    private static void apply(Session session, FetchRequestData request, short version) {
        for (FetchRequestData.FetchTopic t : request.topics()) {
            String topicKey = version >= 13 ? t.topicId().toString() : t.topic();
            for (FetchRequestData.FetchPartition p : t.partitions()) {
                String k = key(topicKey, p.partition());
                CachedPartition existing = session.partitions.get(k);
                if (existing == null) {
                    session.partitions.put(k, new CachedPartition(t.topic(), t.topicId(), p.duplicate()));
                } else {
                    existing.request.setFetchOffset(p.fetchOffset()).setPartitionMaxBytes(p.partitionMaxBytes())
                            .setLogStartOffset(p.logStartOffset()).setCurrentLeaderEpoch(p.currentLeaderEpoch())
                            .setLastFetchedEpoch(p.lastFetchedEpoch());
                }
            }
        }
    }

    private synchronized Session create() {
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        if (sessions.size() >= MAX_SESSIONS) {
            Iterator<Integer> eldest = sessions.keySet().iterator();
            eldest.next();
            eldest.remove(); // least recently used: its client gets FETCH_SESSION_ID_NOT_FOUND and starts over
        }
        Session session = new Session(id);
        sessions.put(id, session);
        return session;
    }

    private synchronized void remove(int id) {
        sessions.remove(id);
    }

    private static String key(String topic, int partition) {
        return topic + '\u0000' + partition;
    }
}
