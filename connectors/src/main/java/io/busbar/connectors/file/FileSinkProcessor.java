package io.busbar.connectors.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.busbar.connectors.bus.BusConstants;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes records consumed from a {@code bus:} endpoint to rolling files, one open file per topic-partition
 * ({@link RollingFile}). An exchange completes only when the file holding its record is fsynced and renamed to
 * its final name; the {@code bus:} consumer commits offsets only past completed exchanges, so offsets are
 * committed only after the data is durable (at-least-once), and because a file's name is fixed by its partition
 * and first offset, a replay after a crash rewrites the same files: the folder ends up with each record once
 * (effectively-once; see docs/connectors/file-sink.md for the exact guarantee).
 *
 * <p>A file rolls when it reaches {@code rollRecords} records or {@code rollBytes} bytes, when it is
 * {@code rollIntervalMs} old, when the records waiting across all files reach {@code rollRecords} (the
 * consumer's in-flight limit), and when the route stops.
 *
 * <p>Thread-safe: the consumer thread appends and a timer thread rolls, under this object's lock; callbacks are
 * completed outside the lock.
 */
public class FileSinkProcessor extends AsyncProcessorSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(FileSinkProcessor.class);

    private final ObjectMapper mapper = FileJson.newMapper();
    private final Map<String, RollingFile> open = new HashMap<>();
    private CamelContext camelContext;
    private ScheduledExecutorService timer;
    private SinkRecordEncoder encoder;
    private FileNamePattern names;
    private Path dir;
    private int pendingRecords;
    /** Routes feeding this sink (from the exchanges): when their consumer stops, open files are committed at once. */
    private final Set<String> routeIds = ConcurrentHashMap.newKeySet();

    private String directory;
    private SinkFormat format = SinkFormat.JSONL;
    private String fileName = FileNamePattern.DEFAULT;
    private int rollRecords = 10_000;
    private long rollBytes = 64L * 1024 * 1024;
    private long rollIntervalMs = 10_000;
    private String columns;
    private String separator = "\\n";
    private io.busbar.connectors.sink.SinkErrorPolicy errorPolicy = io.busbar.connectors.sink.SinkErrorPolicy.DEAD_LETTER;

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Message in = exchange.getIn();
        String topic = in.getHeader(BusConstants.TOPIC, String.class);
        Integer partition = in.getHeader(BusConstants.PARTITION, Integer.class);
        Long offset = in.getHeader(BusConstants.OFFSET, Long.class);
        if (topic == null || partition == null || offset == null) {
            exchange.setException(new IllegalArgumentException("The file sink writes records consumed from a bus:"
                    + " endpoint (headers bus.TOPIC, bus.PARTITION, bus.OFFSET); this exchange has none"));
            callback.done(true);
            return true;
        }
        String routeId = exchange.getFromRouteId();
        if (routeId == null && exchange.getUnitOfWork() != null && exchange.getUnitOfWork().getRoute() != null) {
            routeId = exchange.getUnitOfWork().getRoute().getRouteId();
        }
        if (routeId != null) {
            routeIds.add(routeId);
        }
        List<RollingFile.Waiting> ready;
        try {
            byte[] value = in.getBody(byte[].class);
            // from here the timer thread may complete the exchange at any time: leave it alone
            ready = append(topic, partition, offset, value, new RollingFile.Waiting(exchange, callback));
        } catch (io.busbar.connectors.sink.SinkDataException e) {
            // the record itself cannot be written (not JSON for csv, a field with no column): retrying cannot help
            if (errorPolicy == io.busbar.connectors.sink.SinkErrorPolicy.SKIP) {
                LOG.warn("Skipping {}-{} offset {} (key {}): {}", topic, partition, offset,
                        in.getHeader(BusConstants.KEY), e.getMessage());
            } else {
                exchange.setException(errorPolicy == io.busbar.connectors.sink.SinkErrorPolicy.FAIL
                        ? new IllegalStateException(e.getMessage(), e.getCause()) : e);
            }
            callback.done(true);
            return true;
        } catch (RuntimeException | IOException e) {
            exchange.setException(e); // I/O: transient, redelivered by the bus: consumer
            callback.done(true);
            return true;
        }
        complete(ready);
        return false;
    }

    private synchronized List<RollingFile.Waiting> append(String topic, int partition, long offset, byte[] value,
                                                          RollingFile.Waiting waiting) throws IOException {
        String key = topic + "-" + partition;
        RollingFile file = open.get(key);
        List<String> fileColumns;
        try {
            fileColumns = file != null ? file.columns() : encoder.columnsFor(value);
        } catch (IllegalArgumentException e) {
            throw new io.busbar.connectors.sink.SinkDataException("file sink (" + format.name().toLowerCase(java.util.Locale.ROOT)
                    + ") cannot write " + topic + "-" + partition + "@" + offset + ": " + e.getMessage(), e);
        }
        // encode first: a record that cannot be written must not open a file. An empty file named after its offset
        // would, once rolled, replace a committed file of the same name holding the records that came after it.
        byte[][] encoded;
        try {
            encoded = encoder.encode(value, fileColumns);
        } catch (IllegalArgumentException e) {
            throw new io.busbar.connectors.sink.SinkDataException("file sink (" + format.name().toLowerCase(java.util.Locale.ROOT)
                    + ") cannot write " + topic + "-" + partition + "@" + offset + ": " + e.getMessage(), e);
        }
        if (file == null) {
            file = new RollingFile(dir, topic, partition, offset, fileColumns, encoder.header(fileColumns));
            open.put(key, file);
        }
        file.append(offset, encoded, waiting);
        pendingRecords++;
        if (pendingRecords >= rollRecords) {
            return rollAll();
        }
        if (file.records() >= rollRecords || file.bytes() >= rollBytes) {
            return roll(key);
        }
        return List.of();
    }

    /** Commits one open file; if that fails, its exchanges are failed instead (and redelivered by the consumer). */
    private List<RollingFile.Waiting> roll(String key) {
        RollingFile file = open.remove(key);
        pendingRecords -= file.records();
        try {
            return file.commit(names);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not commit file of {} in {}: {}; its {} record(s) will be delivered again", key, dir,
                    e.toString(), file.records());
            return file.discard(e);
        }
    }

    private synchronized List<RollingFile.Waiting> rollAll() {
        List<RollingFile.Waiting> done = new ArrayList<>();
        for (String key : new ArrayList<>(open.keySet())) {
            done.addAll(roll(key));
        }
        return done;
    }

    private synchronized List<RollingFile.Waiting> rollExpired() {
        boolean stopping = camelContext.isStopping() || !isRunAllowed() || feedingConsumerStopping();
        List<RollingFile.Waiting> done = new ArrayList<>();
        for (String key : new ArrayList<>(open.keySet())) {
            if (stopping || open.get(key).ageNanos() >= TimeUnit.MILLISECONDS.toNanos(rollIntervalMs)) {
                done.addAll(roll(key));
            }
        }
        return done;
    }

    /**
     * Whether the consumer of a route feeding this sink is stopping: it waits for its in-flight exchanges, which
     * complete only when their files are committed, so they are committed now rather than at the next roll.
     */
    private boolean feedingConsumerStopping() {
        for (String routeId : routeIds) {
            org.apache.camel.Route route = camelContext.getRoute(routeId);
            if (route == null || !(route.getConsumer() instanceof org.apache.camel.StatefulService consumer)
                    || consumer.isStopping() || consumer.isStopped() || consumer.isSuspending() || consumer.isSuspended()) {
                return true;
            }
        }
        return false;
    }

    private void onTimer() {
        try {
            complete(rollExpired());
        } catch (RuntimeException e) {
            LOG.warn("Rolling files in {} failed: {}", dir, e.toString());
        }
    }

    /** Completes exchanges outside the lock: the callback hands them back to the bus: consumer. */
    private static void complete(List<RollingFile.Waiting> exchanges) {
        for (RollingFile.Waiting w : exchanges) {
            w.callback().done(false);
        }
    }

    @Override
    protected void doStart() throws Exception {
        if (directory == null || directory.isBlank()) {
            throw new IllegalArgumentException("directory is required: the folder the file sink writes to");
        }
        if (rollRecords < 1 || rollBytes < 1 || rollIntervalMs < 1) {
            throw new IllegalArgumentException("rollRecords, rollBytes and rollIntervalMs must be positive (got "
                    + rollRecords + ", " + rollBytes + ", " + rollIntervalMs + ")");
        }
        dir = Path.of(directory).toAbsolutePath();
        Files.createDirectories(dir);
        deleteStaleTempFiles();
        names = new FileNamePattern(fileName, format.extension());
        List<String> cols = columns == null || columns.isBlank() ? null
                : Arrays.stream(columns.split(",")).map(String::trim).toList();
        encoder = new SinkRecordEncoder(format, separator, cols, mapper);
        timer = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "file-sink " + dir);
        long tick = Math.max(10, Math.min(200, rollIntervalMs / 4));
        timer.scheduleWithFixedDelay(this::onTimer, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Temporary files of a crashed run: their records were never committed, so they are delivered again. */
    private void deleteStaleTempFiles() throws IOException {
        long cutoff = System.currentTimeMillis() - rollIntervalMs - 60_000;
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().endsWith(RollingFile.TEMP_SUFFIX)
                        && Files.getLastModifiedTime(p).toMillis() < cutoff) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (timer != null) {
            camelContext.getExecutorServiceManager().shutdownGraceful(timer);
            timer = null;
        }
        complete(rollAll());
    }

    @Override
    public CamelContext getCamelContext() { return camelContext; }
    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }

    public String getDirectory() { return directory; }
    public void setDirectory(String directory) { this.directory = directory; }
    public SinkFormat getFormat() { return format; }
    public void setFormat(String format) { this.format = SinkFormat.parse(format); }
    public String getFileName() { return fileName; }
    public void setFileName(String fileName) { this.fileName = fileName; }
    public int getRollRecords() { return rollRecords; }
    public void setRollRecords(int rollRecords) { this.rollRecords = rollRecords; }
    public long getRollBytes() { return rollBytes; }
    public void setRollBytes(long rollBytes) { this.rollBytes = rollBytes; }
    public long getRollIntervalMs() { return rollIntervalMs; }
    public void setRollIntervalMs(long rollIntervalMs) { this.rollIntervalMs = rollIntervalMs; }
    public String getColumns() { return columns; }
    public void setColumns(String columns) { this.columns = columns; }
    public String getSeparator() { return separator; }
    public void setSeparator(String separator) { this.separator = separator; }
    public void setErrorPolicy(String v) { this.errorPolicy = io.busbar.connectors.sink.SinkErrorPolicy.parse(v); }
}
