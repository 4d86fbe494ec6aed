package io.busbar.routes.cli;

import io.busbar.kafka.security.ScramCredentialStore;
import io.busbar.routes.BusbarCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code busbar users add|list|delete} on a data directory: salted and hashed, never the password. */
class UsersCommandTest {

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
    void addListDeleteAUser() throws Exception {
        Path data = dir.resolve("data");
        Path passwordFile = Files.writeString(dir.resolve("pw"), "s3cret-pass\n");
        Run added = run("users", "add", "alice", "--data-dir", data.toString(), "--password-file", passwordFile.toString());
        assertThat(added.exit).as(added.err).isZero();
        assertThat(added.out).contains("User alice stored (SCRAM-SHA-256, SCRAM-SHA-512, 4096 iterations)");

        Run listed = run("users", "list", "--data-dir", data.toString());
        assertThat(listed.out).contains("alice").contains("SCRAM-SHA-256 (4096 iterations)").contains("SCRAM-SHA-512 (4096 iterations)");

        String stored = Files.readString(data.resolve("kafka-listener/scram-credentials"), StandardCharsets.UTF_8);
        assertThat(stored).contains("alice SCRAM-SHA-256 4096 ").doesNotContain("s3cret-pass");
        ScramCredentialStore store = ScramCredentialStore.open(data.resolve("kafka-listener"));
        assertThat(store.checkPassword("alice", "s3cret-pass".toCharArray())).isTrue();
        assertThat(store.checkPassword("alice", "wrong".toCharArray())).isFalse();

        assertThat(run("users", "add", "bob", "--data-dir", data.toString(), "--password-file", passwordFile.toString(),
                "--mechanism", "SCRAM-SHA-1").err).contains("Unknown mechanism 'SCRAM-SHA-1'");
        assertThat(run("users", "add", "bob", "--data-dir", data.toString(), "--password-file", passwordFile.toString(),
                "--iterations", "100").err).contains("out of range");

        assertThat(run("users", "delete", "alice", "--data-dir", data.toString()).exit).isZero();
        assertThat(run("users", "list", "--data-dir", data.toString()).out).contains("No users");
        assertThat(run("users", "delete", "alice", "--data-dir", data.toString()).exit).isEqualTo(1);
    }
}
