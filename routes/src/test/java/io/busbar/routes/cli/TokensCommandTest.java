package io.busbar.routes.cli;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.routes.BusbarCommand;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.ServiceContext;
import io.busbar.routes.admin.AdminService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code busbar tokens add|list|delete} through the real command line, and the tokens it prints used against a
 * running admin listener on the same data directory: scopes hold, the store keeps no secret, a deleted token stops
 * working.
 */
class TokensCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) { }

    private Run run(String... args) {
        CommandLine cl = BusbarCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void issuedTokensCarryTheirScopesAgainstARunningListener() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Run ops = run("tokens", "add", "ops", "--scope", "read:orders.*", "--scope", "write:orders", "--scope", "admin",
                "--data-dir", data.toString());
        assertThat(ops.exit()).as(ops.err()).isZero();
        String opsToken = ops.out().trim();
        assertThat(opsToken).matches("bbt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
        assertThat(ops.err()).contains("not shown again", "admin");
        Run reader = run("tokens", "add", "--scope", "read:orders.*", "--data-dir", data.toString());
        assertThat(reader.exit()).as(reader.err()).isZero();
        String readerToken = reader.out().trim();

        Run listed = run("tokens", "list", "--data-dir", data.toString());
        assertThat(listed.out()).contains("ops", "read:orders.*,write:orders,admin", "token-")
                .doesNotContain(opsToken.substring(21));
        assertThat(Files.readString(data.resolve("http-tokens"))).doesNotContain(opsToken.substring(21))
                .doesNotContain(readerToken.substring(21));

        AdminService admin = new AdminService();
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(admin)), Map.of(), "test",
                Map.of(), Map.of("busbar.data.dir", data.toString(), "busbar.admin.listener", "127.0.0.1:0"));
        try (Bus bus = Bus.open(BusConfig.builder(data).build())) {
            admin.start(new ServiceContext(bus, settings));
            try {
                String url = "http://127.0.0.1:" + admin.address().getPort();
                assertThat(status(url + "/api/topics", opsToken)).isEqualTo(200);
                assertThat(status(url + "/api/topics", readerToken)).isEqualTo(403);
                assertThat(status(url + "/api/topics", null)).isEqualTo(401);

                Run deleted = run("tokens", "delete", "ops", "--data-dir", data.toString());
                assertThat(deleted.exit()).as(deleted.err()).isZero();
                await().atMost(Duration.ofSeconds(10)).until(() -> status(url + "/api/topics", opsToken) == 401);
            } finally {
                admin.stop();
            }
        }
    }

    @Test
    void badScopesAndUnknownTokensAreRefusedWithTheFix() {
        String data = dir.resolve("data").toString();
        Run badScope = run("tokens", "add", "x", "--scope", "reed:orders", "--data-dir", data);
        assertThat(badScope.exit()).isEqualTo(1);
        assertThat(badScope.err()).contains("reed:orders", "read:<topic>");
        assertThat(run("tokens", "add", "x", "--data-dir", data).exit()).isEqualTo(2); // --scope is required
        Run unknown = run("tokens", "delete", "nobody", "--data-dir", data);
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("nobody", "busbar tokens list");
        assertThat(run("tokens", "add", "twice", "--scope", "admin", "--data-dir", data).exit()).isZero();
        assertThat(run("tokens", "add", "twice", "--scope", "admin", "--data-dir", data).err()).contains("exists");
    }

    private static int status(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
