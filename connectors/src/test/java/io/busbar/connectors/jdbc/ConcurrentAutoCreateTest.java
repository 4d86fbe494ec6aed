package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two sink members whose batches reach a missing table at once both create it ({@code autoCreate}), then both add
 * columns for new fields ({@code autoEvolve}); neither fails its batch. Each member brings a field the other does
 * not, so each must end up with the columns its records need, whichever of them created the table. Without care:
 * PostgreSQL's {@code CREATE TABLE IF NOT EXISTS} fails in one of two sessions racing on it (a unique violation in
 * the catalog); on every database the loser's {@code IF NOT EXISTS} can be a no-op that leaves out its columns; and
 * H2 breaks on two {@code ALTER TABLE} at once.
 */
class ConcurrentAutoCreateTest {

    private static final int ROUNDS = 40;

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void twoMembersCreatingAndEvolvingTheTableAtOnceBothSucceed(TestDatabase db) throws Exception {
        ExecutorService members = Executors.newFixedThreadPool(2);
        List<String> failures = new ArrayList<>();
        try (HikariDataSource ds = db.pool()) {
            for (int round = 0; round < ROUNDS; round++) {
                String table = TestDatabase.uniqueName("race_auto");
                SchemaEvolution evolution = new SchemaEvolution(table, true, true, List.of("id"), Map.of(), true);
                try {
                    // the first batches: the table is missing
                    together(members, ds, db, evolution, m -> "{\"id\":1,\"first_" + m + "\":\"x\"}");
                    // later batches: a field both bring, and one each
                    together(members, ds, db, evolution, m -> "{\"id\":2,\"shared\":3,\"later_" + m + "\":true}");
                    List<String> columns = SchemaEvolutionTest.columns(ds, table).names().stream()
                            .map(c -> c.toLowerCase(Locale.ROOT)).toList();
                    assertThat(columns).containsExactlyInAnyOrder("id", "first_0", "first_1", "shared", "later_0", "later_1");
                } catch (ExecutionException | AssertionError e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    failures.add("round " + round + ": " + cause + " (SQLState " + SqlErrors.sqlState(cause) + ")");
                } finally {
                    TestDatabase.execute(ds, "DROP TABLE IF EXISTS " + table);
                }
            }
        } finally {
            members.shutdownNow();
        }
        assertThat(failures).as(failures.size() + " of " + ROUNDS + " rounds failed").isEmpty();
    }

    /** Both members run the schema change their batch needs at the same moment; throws a failure once both are done. */
    private static void together(ExecutorService members, HikariDataSource ds, TestDatabase db, SchemaEvolution evolution,
                                 IntFunction<String> valueOfMember) throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        List<Future<?>> changes = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            JsonNode value = RecordJson.MAPPER.readTree(valueOfMember.apply(m));
            changes.add(members.submit(() -> {
                try (Connection c = ds.getConnection()) {
                    together.await(10, TimeUnit.SECONDS);
                    evolution.evolve(c, db.dialect(), List.of(value));
                }
                return null;
            }));
        }
        ExecutionException failed = null;
        for (Future<?> change : changes) {
            try {
                change.get(30, TimeUnit.SECONDS); // both finish before the table is dropped
            } catch (ExecutionException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
