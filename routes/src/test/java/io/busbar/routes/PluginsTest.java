package io.busbar.routes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User connectors from the plugins folder: the samples' YAML kamelet and Java component (compiled here from the
 * sample's sources into a jar, as its Maven project builds it) run through {@code busbar test}, the component's class
 * being nowhere but in that jar.
 */
class PluginsTest {
    private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();

    private int busbar(String... args) {
        CommandLine cli = BusbarCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute(args);
    }

    @Test
    void aJavaComponentInAJarInThePluginsFolderRunsInAPipeline() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        buildShoutComponentJar(plugins.resolve("shout-component.jar"));
        assertThat(classOnTestClassPath("com.example.shout.ShoutComponent")).isFalse();

        int exit = busbar("test", SAMPLES.resolve("custom-component/shout.test.yaml").toString(),
                "--set", "busbar.plugins.dir=" + plugins);
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("1 passed, 0 failed");
    }

    @Test
    void withoutThePluginTheSamePipelineFailsToStart() {
        int exit = busbar("test", SAMPLES.resolve("custom-component/shout.test.yaml").toString(),
                "--set", "busbar.plugins.dir=" + dir.resolve("empty"));
        assertThat(exit).isEqualTo(ExitCode.FAILURE);
        assertThat(out.toString()).contains("shout");
    }

    @Test
    void aYamlKameletInThePluginsFolderIsAConnectorLikeTheShippedOnes() {
        int exit = busbar("test", SAMPLES.resolve("custom-kamelet").toString());
        assertThat(exit).as(out.toString()).isZero();
    }

    private static boolean classOnTestClassPath(String name) {
        try {
            Class.forName(name, false, PluginsTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private void buildShoutComponentJar(Path jar) throws IOException {
        Path project = SAMPLES.resolve("custom-component/shout-component/src/main");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, OutputStream.nullOutputStream(), System.err, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"),
                project.resolve("java/com/example/shout/ShoutComponent.java").toString());
        assertThat(rc).as("javac").isZero();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path root : new Path[] {classes, project.resolve("resources")}) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                        out.write(Files.readAllBytes(f));
                        out.closeEntry();
                    }
                }
            }
        }
    }
}
