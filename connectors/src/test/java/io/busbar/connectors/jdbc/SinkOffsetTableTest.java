package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exactly-once offsets table is created by whichever sink member starts first; members starting together must
 * all start. PostgreSQL's {@code CREATE TABLE IF NOT EXISTS} fails in one of two sessions racing on it (a unique
 * violation in the catalog), which without care surfaced as a failed batch and a retry.
 */
class SinkOffsetTableTest {

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void twoMembersCreatingTheTableAtOnceBothSucceed(TestDatabase db) throws Exception {
        ExecutorService members = Executors.newFixedThreadPool(2);
        try (HikariDataSource ds = db.pool()) {
            for (int round = 0; round < 40; round++) {
                String table = TestDatabase.uniqueName("race_off");
                String quoted = db.dialect().quoteQualified(table);
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<?>> starts = new ArrayList<>();
                for (int m = 0; m < 2; m++) {
                    starts.add(members.submit(() -> {
                        try (Connection c = ds.getConnection()) {
                            together.await(10, TimeUnit.SECONDS);
                            new SinkOffsetTable(db.dialect(), table).createIfMissing(c);
                        }
                        return null;
                    }));
                }
                try {
                    for (Future<?> start : starts) {
                        start.get(30, TimeUnit.SECONDS); // throws if that member's create failed
                    }
                    assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + quoted)).isZero();
                } finally {
                    TestDatabase.execute(ds, "DROP TABLE IF EXISTS " + quoted);
                }
            }
        } finally {
            members.shutdownNow();
        }
    }
}
