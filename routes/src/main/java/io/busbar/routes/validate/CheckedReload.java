package io.busbar.routes.validate;

import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Hot reload with the start-up checks: an edited pipeline file is reloaded only when it passes
 * {@link PipelineValidator}; otherwise its problems are logged and the routes of its previous version keep running.
 * Wraps camel-main's own reload listener; a deleted file goes straight through (its routes are removed).
 */
public final class CheckedReload implements ResourceReload {

    private static final Logger LOG = LoggerFactory.getLogger(CheckedReload.class);

    private final ResourceReload delegate;
    private final PipelineValidator validator;
    private final Supplier<List<Path>> pipelineFiles;

    /**
     * @param delegate      camel-main's reload
     * @param validator     the checks
     * @param pipelineFiles the pipeline files as they are now (user kamelets among them count)
     */
    public CheckedReload(ResourceReload delegate, PipelineValidator validator, Supplier<List<Path>> pipelineFiles) {
        this.delegate = delegate;
        this.validator = validator;
        this.pipelineFiles = pipelineFiles;
    }

    @Override
    public void onReload(String name, Resource resource) throws Exception {
        String location = resource.getLocation();
        Path file = location != null && location.startsWith("file:") ? Path.of(location.substring("file:".length())) : null;
        if (file != null && Files.isRegularFile(file)) {
            Path changed = file.toAbsolutePath().normalize();
            List<Problem> problems = validator.validate(pipelineFiles.get(), List.of()).stream()
                    .filter(p -> p.file().toAbsolutePath().normalize().equals(changed)).toList();
            if (!problems.isEmpty()) {
                LOG.error("Not reloading {}: the routes of its previous version keep running. Fix:{}{}", changed,
                        System.lineSeparator(), problems.stream().map(p -> "  " + p).collect(Collectors.joining(System.lineSeparator())));
                return;
            }
        }
        delegate.onReload(name, resource);
    }
}
