package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.connectors.sink.SinkErrorPolicy;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * The bean behind the {@code jdbc-sink} kamelet: each scheduler tick runs one {@link JdbcSinkTask#poll()} (a poll
 * of the topic, one transaction, then the offset commit). A database that fails is logged with the retry delay and
 * retried with exponential backoff (0.5 s doubling to 30 s); the failed batch is rolled back and retried, so nothing
 * is lost. The exchange continues (to {@code kamelet:sink}) only after a batch was written: body = record count,
 * header {@value JdbcSourcePoller#ROWS_HEADER}. Not thread-safe: driven by the kamelet's single scheduler thread.
 */
public class JdbcSinkPoller extends ServiceSupport implements Processor, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSinkPoller.class);

    private CamelContext camelContext;
    private String jdbcUrl;
    private String username;
    private String password;
    private String topic;
    private String groupId;
    private String table;
    private String writeMode = "insert";
    private String keyColumns;
    private boolean deleteOnTombstone;
    private String fieldMap;
    private boolean ignoreUnknownFields;
    private boolean exactlyOnce;
    private String offsetsTable = JdbcSinkConfig.DEFAULT_OFFSETS_TABLE;
    private int batchSize = 1000;
    private long pollTimeoutMs = 500;
    private SinkErrorPolicy errorPolicy = SinkErrorPolicy.DEAD_LETTER;
    private String deadLetterTopic;
    private boolean autoCreate;
    private boolean autoEvolve;
    private boolean emptyStringAsNull = true;
    private String timestampZone = "UTC";

    private final RetryBackoff backoff = new RetryBackoff(500, 30_000);
    private HikariDataSource dataSource;
    private JdbcSinkTask task;

    @Override
    public void process(Exchange exchange) throws Exception {
        long now = System.currentTimeMillis();
        if (!backoff.ready(now)) {
            // never sleep here: an idle tick makes the scheduler skip its next ticks (the kamelet's backoffMultiplier)
            exchange.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, false);
            exchange.setRouteStop(true);
            return;
        }
        try {
            if (task == null) {
                open();
            }
            int records = task.poll();
            int failures = backoff.succeeded();
            if (failures > 0) {
                LOG.info("JDBC sink of topic {} reaches {} again after {} failed attempt(s); resumed", topic, jdbcUrl, failures);
            }
            if (records == 0) {
                exchange.setRouteStop(true);
                return;
            }
            exchange.getMessage().setBody(records);
            exchange.getMessage().setHeader(JdbcSourcePoller.ROWS_HEADER, records);
        } catch (JdbcConfigException e) {
            // a missing table or column: nothing will work until the settings or the schema change
            long delay = backoff.failed(System.currentTimeMillis());
            LOG.error("JDBC sink of topic {} (group {}) is misconfigured: {}; retrying in {} ms", topic, groupId,
                    e.getMessage(), delay);
            exchange.setRouteStop(true);
        } catch (SQLException | RecordMappingException e) {
            long delay = backoff.failed(System.currentTimeMillis());
            LOG.warn("JDBC sink of topic {} (group {}) could not write to table {} at {}: {}; the batch was rolled"
                    + " back and is retried in {} ms", topic, groupId, table, jdbcUrl, e.getMessage(), delay);
            exchange.setRouteStop(true);
        }
    }

    private void open() {
        List<String> keys = keyColumns == null ? List.of()
                : Arrays.stream(keyColumns.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        JdbcSinkConfig config = new JdbcSinkConfig(topic, groupId, table, WriteMode.parse(writeMode), keys,
                deleteOnTombstone, JdbcSinkConfig.parseFieldMap(fieldMap), ignoreUnknownFields, exactlyOnce,
                offsetsTable, batchSize, pollTimeoutMs).validate();
        JdbcDialect dialect = JdbcDialect.fromUrl(jdbcUrl);
        TypeMapping typeMapping = TypeMapping.of(dialect, emptyStringAsNull, timestampZone);
        var bus = BusLookup.find(camelContext, "JDBC sink of topic " + topic);
        dataSource = ConnectionPools.create("jdbc-sink-" + groupId, jdbcUrl, username, password, 2);
        try {
            task = new JdbcSinkTask(dataSource, dialect, config, bus)
                    .withErrorPolicy(errorPolicy, deadLetterTopic)
                    .withTypeMapping(typeMapping)
                    .withSchemaEvolution(new SchemaEvolution(table, autoCreate, autoEvolve, keys, config.fieldMap(),
                            emptyStringAsNull));
        } catch (RuntimeException e) {
            dataSource.close(); // the next attempt opens its own pool
            dataSource = null;
            throw e;
        }
    }

    @Override
    protected void doStop() {
        if (task != null) {
            task.close();
            task = null;
        }
        if (dataSource != null) {
            dataSource.close();
            dataSource = null;
        }
    }

    @Override
    public CamelContext getCamelContext() { return camelContext; }
    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }

    public void setJdbcUrl(String v) { jdbcUrl = v; }
    public void setUsername(String v) { username = v; }
    public void setPassword(String v) { password = v; }
    public void setTopic(String v) { topic = v; }
    public void setGroupId(String v) { groupId = v; }
    public void setTable(String v) { table = v; }
    public void setWriteMode(String v) { writeMode = v; }
    public void setKeyColumns(String v) { keyColumns = JdbcSourcePoller.blankToNull(v); }
    public void setDeleteOnTombstone(boolean v) { deleteOnTombstone = v; }
    public void setFieldMap(String v) { fieldMap = JdbcSourcePoller.blankToNull(v); }
    public void setIgnoreUnknownFields(boolean v) { ignoreUnknownFields = v; }
    public void setExactlyOnce(boolean v) { exactlyOnce = v; }
    public void setOffsetsTable(String v) { offsetsTable = v; }
    public void setBatchSize(int v) { batchSize = v; }
    public void setPollTimeoutMs(long v) { pollTimeoutMs = v; }
    public void setErrorPolicy(String v) { errorPolicy = SinkErrorPolicy.parse(v); }
    public void setDeadLetterTopic(String v) { deadLetterTopic = JdbcSourcePoller.blankToNull(v); }
    public void setAutoCreate(boolean v) { autoCreate = v; }
    public void setAutoEvolve(boolean v) { autoEvolve = v; }
    public void setEmptyStringAsNull(boolean v) { emptyStringAsNull = v; }
    public void setTimestampZone(String v) { timestampZone = v; }
}
