package io.busbar.connectors.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.busbar.bus.Bus;
import io.busbar.bus.BusProducer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.Header;
import io.busbar.bus.RecordMetadata;
import io.busbar.connectors.bus.BusConstants;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Streams one file into its topic in batches and records, after each batch is durable, the position just past
 * it. Two batches are in flight at most: while the bus fsyncs batch n, batch n+1 is parsed; the position of
 * batch n is saved only once all of its records (and dead letters) are acknowledged, so a stored position never
 * runs ahead of the topic. That save is not waited for until the next one (its fsync overlaps the parsing of the
 * next batch), except the file's last, which is durable before {@link #run} returns and the file is moved.
 *
 * <p>What a crash can duplicate: records of the batches sent after the last durable position (at most three
 * batches, {@code 3 x batchRecords}: two in flight and the one whose position was being saved), which are sent
 * again on restart. Nothing is lost. One instance per file; not thread-safe.
 */
final class FileIngestion {

    /** Record header naming the source file on dead-letter records. */
    static final String FILE_HEADER = "busbar.file.name";
    /** Record header: the malformed record's number in its file. */
    static final String RECORD_HEADER = "busbar.file.record";
    /** Record header: why the record could not be parsed. */
    static final String REASON_HEADER = "busbar.error.reason";

    record Result(long records, long deadLetters) { }

    /** Records sent together and the position to store once they are all durable. */
    private static final class Batch {
        final List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
        FilePosition endPosition;
    }

    private final FileSourceConfiguration config;
    private final BusProducer producer;
    private final SourcePositions positions;
    private final ObjectMapper mapper;
    private final Path file;
    private final String relative;
    private final long size;
    private final long mtime;
    private long sent;
    private long deadLetters;
    /** The last position save, not yet waited for. */
    private CompletableFuture<Void> positionSaved = CompletableFuture.completedFuture(null);

    FileIngestion(FileSourceConfiguration config, Bus bus, SourcePositions positions, ObjectMapper mapper,
                  Path file, String relative, long size, long mtime) {
        this.config = config;
        this.producer = bus.producer();
        this.positions = positions;
        this.mapper = mapper;
        this.file = file;
        this.relative = relative;
        this.size = size;
        this.mtime = mtime;
    }

    Result run() throws IOException, InterruptedException {
        FilePosition start = positions.get(relative);
        if (start != null && !start.matches(size, mtime)) {
            start = null; // another file under the same name: read it from the start
        }
        if (start != null && start.complete()) {
            return new Result(0, 0); // stored before a crash that came before the move: only the move is left
        }
        Batch inFlight = null;
        Batch current = new Batch();
        ParsedRecord last = null;
        try (FileRecordReader reader = config.openReader(file, start, mapper)) {
            ParsedRecord r;
            while ((r = reader.next()) != null) {
                send(r, current);
                last = r;
                if (current.acks.size() >= config.getBatchRecords()) {
                    current.endPosition = positionAfter(r, false);
                    if (inFlight != null) {
                        complete(inFlight);
                    }
                    inFlight = current;
                    current = new Batch();
                }
            }
        }
        if (inFlight != null) {
            complete(inFlight);
        }
        long endOffset = last != null ? last.nextPosition() : (start != null ? start.position() : size);
        current.endPosition = new FilePosition(size, mtime, endOffset,
                last != null ? last.line() : (start != null ? start.lines() : 0),
                last != null ? last.number() : (start != null ? start.records() : 0), true,
                last == null && start != null ? start.unit() : FilePosition.BYTES);
        complete(current);
        awaitPositionSaved();
        return new Result(sent, deadLetters);
    }

    private void send(ParsedRecord r, Batch batch) {
        if (!r.malformed()) {
            batch.acks.add(producer.send(config.getTopic(), new BusRecord(null, r.key(), r.value(), List.of(), BusRecord.NO_TIMESTAMP)));
            sent++;
            return;
        }
        if (config.getOnMalformed() == FileSourceConfiguration.OnMalformed.FAIL) {
            throw new FileParseException(r.malformedReason() + " (onMalformed=fail; records before it are in topic "
                    + config.getTopic() + "; set onMalformed=dead-letter to skip such records)");
        }
        // the bus.dlq.* headers every dead letter carries; no partition or offset: the record never reached the topic
        List<Header> headers = List.of(Header.of(FILE_HEADER, relative), Header.of(RECORD_HEADER, Long.toString(r.number())),
                Header.of(REASON_HEADER, r.malformedReason()),
                Header.of(BusConstants.DLQ_EXCEPTION_CLASS, FileParseException.class.getName()),
                Header.of(BusConstants.DLQ_EXCEPTION_MESSAGE, r.malformedReason()),
                Header.of(BusConstants.DLQ_ORIGINAL_TOPIC, config.getTopic()),
                Header.of(BusConstants.DLQ_SOURCE, "file " + relative + " record " + r.number()));
        byte[] raw = r.raw() == null ? null : r.raw().getBytes(StandardCharsets.UTF_8);
        batch.acks.add(producer.send(config.effectiveDeadLetterTopic(), new BusRecord(null, r.key(), raw, headers, BusRecord.NO_TIMESTAMP)));
        deadLetters++;
    }

    private FilePosition positionAfter(ParsedRecord r, boolean complete) {
        return new FilePosition(size, mtime, r.nextPosition(), r.line(), r.number(), complete);
    }

    /**
     * Waits until every record of the batch is durable and the previous position save too, then saves the position
     * after the batch (not waiting for it).
     */
    private void complete(Batch batch) throws InterruptedException {
        for (CompletableFuture<RecordMetadata> ack : batch.acks) {
            try {
                ack.get();
            } catch (ExecutionException e) {
                throw new FileSourceException("Records of " + file + " could not be stored in topic " + config.getTopic()
                        + ": " + e.getCause().getMessage() + ". The file stays in place and is resumed from its last"
                        + " stored position on the next poll", e.getCause());
            }
        }
        awaitPositionSaved();
        positionSaved = positions.saveAsync(relative, batch.endPosition);
    }

    private void awaitPositionSaved() throws InterruptedException {
        try {
            positionSaved.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new FileSourceException(e.getCause().getMessage(), e.getCause());
        }
    }
}
