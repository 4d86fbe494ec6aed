package io.busbar.routes.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives Debian's {@code chromium} from the command line ({@code --dump-dom}, {@code --screenshot}): no driver, no
 * download. Each call gets a fresh profile directory. Not thread-safe; one per test.
 */
final class HeadlessChromium {

    private final Path binary;
    private final Path workDir;
    private int profiles;

    private HeadlessChromium(Path binary, Path workDir) {
        this.binary = binary;
        this.workDir = workDir;
    }

    /** The chromium on the PATH, or null. */
    static HeadlessChromium find(Path workDir) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return new HeadlessChromium(p, workDir);
                }
            }
        }
        return null;
    }

    /** Opens a page driven over the DevTools protocol, with a fresh profile. */
    DevToolsPage openPage(String url) throws Exception {
        return DevToolsPage.open(binary, Files.createDirectories(workDir.resolve("chromium-profile-" + (++profiles))), url);
    }

    /** The page's DOM after its scripts ran for {@code budgetMs} of virtual time. */
    String dumpDom(String url, int budgetMs) throws IOException, InterruptedException {
        return run(List.of("--virtual-time-budget=" + budgetMs, "--dump-dom", url), null);
    }

    /** A PNG of the page, {@code width} x {@code height}, after its scripts ran for {@code budgetMs}. */
    void screenshot(String url, Path png, int width, int height, int budgetMs) throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        run(List.of("--virtual-time-budget=" + budgetMs, "--hide-scrollbars", "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), url), png);
    }

    private String run(List<String> args, Path expectedFile) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(workDir.resolve("chromium-profile-" + (++profiles)));
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        command.addAll(args);
        Path log = workDir.resolve("chromium-" + profiles + ".log");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s: " + command);
        }
        if (p.exitValue() != 0 || (expectedFile != null && !Files.isRegularFile(expectedFile))) {
            throw new AssertionError("chromium failed (exit " + p.exitValue() + "): " + command + "\n"
                    + Files.readString(log));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
