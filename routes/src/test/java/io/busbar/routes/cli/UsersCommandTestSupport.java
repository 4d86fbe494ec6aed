package io.busbar.routes.cli;

import io.busbar.routes.BusbarCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Adds a SCRAM user to a data directory the way an operator does: {@code busbar users add}. */
public final class UsersCommandTestSupport {

    private UsersCommandTestSupport() {
    }

    public static void addUser(Path dataDir, String user, String password) throws IOException {
        Path pw = Files.createTempFile("pw", ".txt");
        try {
            Files.writeString(pw, password);
            StringWriter err = new StringWriter();
            int exit = BusbarCommand.commandLine().setErr(new PrintWriter(err)).execute("users", "add", user,
                    "--data-dir", dataDir.toString(), "--password-file", pw.toString());
            if (exit != 0) {
                throw new IllegalStateException("busbar users add failed: " + err);
            }
        } finally {
            Files.deleteIfExists(pw);
        }
    }
}
