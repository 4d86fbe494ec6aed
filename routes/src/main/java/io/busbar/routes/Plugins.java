package io.busbar.routes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * User connectors without a rebuild of Busbar: every {@code *.jar} in the plugins folder ({@code busbar.plugins.dir},
 * default {@code ./plugins}) — Camel components (found through their {@code META-INF/services/org/apache/camel/component/*}
 * files), beans, processors, kamelets packaged under {@code kamelets/} — and YAML kamelets in its {@code kamelets/}
 * subfolder. They go on a class loader above Busbar's own, which the runtime makes the pipelines' class loader (the
 * thread's context class loader and Camel's application class loader), so the checks of {@code run}, {@code validate}
 * and {@code test} see the same connectors as the pipelines.
 */
public final class Plugins {
    private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

    private Plugins() {
    }

    /**
     * A class loader over the plugins in {@code dir} with {@code parent} above it, or {@code parent} itself when the
     * folder does not exist or holds nothing to load.
     */
    public static ClassLoader loader(Path dir, ClassLoader parent) {
        if (dir == null || !Files.isDirectory(dir)) {
            return parent;
        }
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
            if (Files.isDirectory(dir.resolve("kamelets"))) {
                urls.add(dir.toUri().toURL()); // kamelets/<name>.kamelet.yaml, as in a jar
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the plugins folder " + dir, e);
        }
        if (urls.isEmpty()) {
            return parent;
        }
        LOG.info("Plugins from {}: {}", dir, urls);
        return new URLClassLoader("busbar-plugins", urls.toArray(URL[]::new), parent);
    }

    /** Makes the plugins of {@code settings} the current thread's context class loader (threads it starts inherit it). */
    public static ClassLoader install(BusbarSettings settings) {
        ClassLoader loader = loader(settings.getPath(RuntimeKeys.PLUGINS_DIR), Thread.currentThread().getContextClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        return loader;
    }
}
