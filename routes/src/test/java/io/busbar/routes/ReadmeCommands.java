package io.busbar.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shell commands of a README, as a reader would type them: the lines of its {@code ```bash} blocks, with
 * continuation lines ({@code \} at the end) joined and comment lines dropped. A leading
 * {@code mvn ... &&} (the build) is dropped too: the test runs after the build it asks for.
 */
final class ReadmeCommands {

    private ReadmeCommands() {
    }

    static List<String> of(Path readme) throws IOException {
        List<String> commands = new ArrayList<>();
        boolean inBash = false;
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(readme)) {
            String trimmed = line.trim();
            if (!inBash) {
                inBash = trimmed.equals("```bash");
                continue;
            }
            if (trimmed.equals("```")) {
                inBash = false;
                continue;
            }
            if (pending.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            pending.append(trimmed);
            String command = withoutBuild(pending.toString().replaceAll(" {2,}", " "));
            if (!command.isEmpty()) {
                commands.add(command);
            }
            pending.setLength(0);
        }
        return commands;
    }

    private static String withoutBuild(String command) {
        if (!command.startsWith("mvn ")) {
            return command;
        }
        int and = command.indexOf("&&");
        return and < 0 ? "" : command.substring(and + 2).trim();
    }
}
