package io.busbar.routes.cli;

import io.busbar.kafka.security.ScramCredentialStore;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code busbar users add|list|delete}: the Kafka listener's SCRAM users, salted and hashed in
 * {@code <data dir>/kafka-listener/scram-credentials}. Works on a stopped or a running Busbar (the listener picks
 * changes up at the next login). Passwords are read from the console, stdin or a file, never from the command line.
 */
@Command(name = "users", mixinStandardHelpOptions = true, scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "Add, list and delete the Kafka listener's SCRAM users (SASL PLAIN checks the same store).",
        subcommands = { UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Delete.class })
public final class UsersCommand {

    /** The data directory option shared by the subcommands. */
    static class Store {
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:BUSBAR_DATA_DIR:-./data}",
                description = "Busbar's data directory (busbar.data.dir; default env BUSBAR_DATA_DIR or ./data).")
        Path dataDir;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        java.io.PrintWriter out() {
            return spec.commandLine().getOut();
        }

        java.io.PrintWriter err() {
            return spec.commandLine().getErr();
        }

        ScramCredentialStore open() {
            return ScramCredentialStore.open(dataDir.resolve("kafka-listener"));
        }
    }

    @Command(name = "add", description = "Add a user or change its password (both SCRAM-SHA-256 and SCRAM-SHA-512 by default).")
    static final class Add extends Store implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Option(names = "--mechanism", paramLabel = "MECHANISM", split = ",",
                description = "SCRAM-SHA-256 and/or SCRAM-SHA-512 (default both).")
        List<String> mechanisms = List.of("SCRAM-SHA-256", "SCRAM-SHA-512");

        @Option(names = "--iterations", defaultValue = "" + ScramCredentialStore.DEFAULT_ITERATIONS,
                description = "PBKDF2 iterations (default ${DEFAULT-VALUE}, Kafka's minimum).")
        int iterations;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "Read the password from this file (first line); default: the console, or stdin.")
        Path passwordFile;

        @Override
        public Integer call() throws IOException {
            String password = readPassword();
            if (password == null || password.isEmpty()) {
                err().println("No password given: type it, pipe it on stdin, or use --password-file FILE");
                return 2;
            }
            ScramCredentialStore store = open();
            for (String m : mechanisms) {
                ScramMechanism mechanism = ScramMechanism.forMechanismName(m.trim().toUpperCase(java.util.Locale.ROOT));
                if (mechanism == null) {
                    err().println("Unknown mechanism '" + m + "': use SCRAM-SHA-256 or SCRAM-SHA-512");
                    return 2;
                }
                try {
                    store.upsert(user, mechanism, password, iterations);
                } catch (IllegalArgumentException e) {
                    err().println(e.getMessage());
                    return 2;
                }
            }
            out().println("User " + user + " stored (" + String.join(", ", mechanisms) + ", " + iterations
                    + " iterations) in " + dataDir.resolve("kafka-listener"));
            return 0;
        }

        private String readPassword() throws IOException {
            if (passwordFile != null) {
                List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                return lines.isEmpty() ? null : lines.get(0);
            }
            Console console = System.console();
            if (console != null) {
                char[] p = console.readPassword("Password for %s: ", user);
                char[] again = console.readPassword("Again: ");
                if (p == null || again == null || !new String(p).equals(new String(again))) {
                    err().println("The passwords differ");
                    return null;
                }
                return new String(p);
            }
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }

    @Command(name = "list", description = "Users with their mechanisms and iterations (no secrets).")
    static final class ListUsers extends Store implements Callable<Integer> {
        @Override
        public Integer call() {
            var users = open().describe();
            if (users.isEmpty()) {
                out().println("No users in " + dataDir.resolve("kafka-listener") + " (add one with `busbar users add NAME`)");
                return 0;
            }
            Table table = new Table("USER", "MECHANISMS");
            users.forEach((u, m) -> table.row(u, m.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue()
                    + " iterations)").reduce((a, b) -> a + ", " + b).orElse("")));
            table.print(out());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a user's credentials (every mechanism).")
    static final class Delete extends Store implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Override
        public Integer call() {
            if (!open().deleteUser(user)) {
                err().println("No user " + user + " in " + dataDir.resolve("kafka-listener"));
                return 1;
            }
            out().println("User " + user + " deleted");
            return 0;
        }
    }
}
