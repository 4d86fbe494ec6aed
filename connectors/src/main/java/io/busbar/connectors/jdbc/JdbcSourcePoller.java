package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.connectors.position.PositionStore;
import io.busbar.connectors.position.PositionStoreException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

/**
 * The bean behind the {@code jdbc-source} kamelet: each scheduler tick runs one {@link JdbcSourceTask#poll()}.
 * When the database (or the bus) fails, it logs what failed and when it retries, and skips ticks with exponential
 * backoff (0.5 s doubling to 30 s); it resumes from the last stored position once the database is back.
 * The exchange continues (to {@code kamelet:sink}) only when rows were published: body = number of rows, header
 * {@value #ROWS_HEADER}. Not thread-safe: driven by the kamelet's single scheduler thread.
 */
public class JdbcSourcePoller extends ServiceSupport implements Processor, CamelContextAware {

    public static final String ROWS_HEADER = "busbar.jdbc.rows";
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSourcePoller.class);

    private CamelContext camelContext;
    private String jdbcUrl;
    private String username;
    private String password;
    private String connectorId;
    private String topic;
    private String table;
    private String query;
    private String mode = "incrementing";
    private String incrementingColumn;
    private String timestampColumn;
    private String keyColumn;
    private int batchSize = 1000;
    private int queryTimeoutSeconds = 30;
    private long timestampDelayMs;

    private final RetryBackoff backoff = new RetryBackoff(500, 30_000);
    private HikariDataSource dataSource;
    private PositionStore positions;
    private JdbcSourceTask task;

    @Override
    public void process(Exchange exchange) throws Exception {
        if (!backoff.ready(System.currentTimeMillis())) {
            exchange.setRouteStop(true);
            return;
        }
        try {
            if (task == null) {
                open();
            }
            int rows = task.poll();
            int failures = backoff.succeeded();
            if (failures > 0) {
                LOG.info("JDBC source '{}' reaches {} again after {} failed attempt(s); resumed", connectorId, jdbcUrl, failures);
            }
            if (rows == 0) {
                exchange.setRouteStop(true);
                return;
            }
            exchange.getMessage().setBody(rows);
            exchange.getMessage().setHeader(ROWS_HEADER, rows);
        } catch (JdbcConfigException e) {
            // a missing table or column: nothing will work until the settings or the schema change
            long delay = backoff.failed(System.currentTimeMillis());
            LOG.error("JDBC source '{}' is misconfigured: {}; retrying in {} ms", connectorId, e.getMessage(), delay);
            exchange.setRouteStop(true);
        } catch (SQLException | SourcePublishException | PositionStoreException e) {
            long delay = backoff.failed(System.currentTimeMillis());
            LOG.warn("JDBC source '{}' failed to read {} or publish to {}: {}; retrying in {} ms from the last"
                    + " stored position", connectorId, jdbcUrl, topic, e.getMessage(), delay);
            exchange.setRouteStop(true);
        }
    }

    private void open() {
        JdbcSourceConfig config = new JdbcSourceConfig(connectorId, topic, table, query, SourceMode.parse(mode),
                incrementingColumn, timestampColumn, keyColumn, batchSize, queryTimeoutSeconds, timestampDelayMs, 1)
                .validate();
        var bus = BusLookup.find(camelContext, "JDBC source '" + connectorId + "'");
        dataSource = ConnectionPools.create("jdbc-source-" + connectorId, jdbcUrl, username, password, 2);
        positions = new PositionStore(bus);
        task = new JdbcSourceTask(dataSource, JdbcDialect.fromUrl(jdbcUrl), config, bus.producer(), positions);
    }

    @Override
    protected void doStop() {
        task = null;
        if (positions != null) {
            positions.close();
            positions = null;
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
    public void setConnectorId(String v) { connectorId = v; }
    public void setTopic(String v) { topic = v; }
    public void setTable(String v) { table = blankToNull(v); }
    public void setQuery(String v) { query = blankToNull(v); }
    public void setMode(String v) { mode = v; }
    public void setIncrementingColumn(String v) { incrementingColumn = blankToNull(v); }
    public void setTimestampColumn(String v) { timestampColumn = blankToNull(v); }
    public void setKeyColumn(String v) { keyColumn = blankToNull(v); }
    public void setBatchSize(int v) { batchSize = v; }
    public void setQueryTimeoutSeconds(int v) { queryTimeoutSeconds = v; }
    public void setTimestampDelayMs(long v) { timestampDelayMs = v; }

    static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v;
    }
}
