package io.busbar.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The pipeline files named on the command line: YAML routes ({@code .yaml}, {@code .yml}) and Java DSL sources
 * ({@code .java}, compiled at start by camel-java-joor-dsl), given one by one or as directories (searched
 * recursively). Immutable.
 *
 * @param files           absolute paths, sorted within each directory
 * @param reloadDirectory the one directory watched for hot reload, or null when the files span several
 */
public record PipelineFiles(List<Path> files, Path reloadDirectory) {

    static final Set<String> EXTENSIONS = Set.of("yaml", "yml", "java");

    /** No pipelines: the runtime serves the bus alone (its listeners), as {@code busbar run} with no path. */
    public static final PipelineFiles NONE = new PipelineFiles(List.of(), null);

    /**
     * The pipelines under {@code paths}; {@link #NONE} when no path is given.
     *
     * @throws InvalidSettingException when a path does not exist, is not a pipeline file, or nothing is found
     */
    public static PipelineFiles of(List<Path> paths) {
        if (paths.isEmpty()) {
            return NONE;
        }
        List<Path> files = new ArrayList<>();
        Set<Path> directories = new java.util.LinkedHashSet<>();
        for (Path given : paths) {
            Path path = given.toAbsolutePath().normalize();
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile).filter(PipelineFiles::isPipelineFile).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                directories.add(path);
            } else if (Files.isRegularFile(path)) {
                if (!isPipelineFile(path)) {
                    throw new InvalidSettingException("'" + given + "' is not a pipeline file: use .yaml, .yml or .java"
                            + (path.toString().endsWith(TEST_FILE_SUFFIX) ? " (run pipeline tests with busbar test)" : ""));
                }
                files.add(path);
                directories.add(path.getParent());
            } else {
                throw new InvalidSettingException("Pipeline path '" + given + "' does not exist: give YAML or Java"
                        + " route files or directories holding them");
            }
        }
        if (files.isEmpty()) {
            throw new InvalidSettingException("No pipeline files (.yaml, .yml, .java) in " + paths
                    + ": add a route file, e.g. samples/quickstart/*.yaml");
        }
        Path reload = directories.size() == 1 ? directories.iterator().next() : null;
        return new PipelineFiles(List.copyOf(files), reload);
    }

    /** Pipeline tests ({@code busbar test}) sit beside the pipelines they test: never loaded as routes. */
    public static final String TEST_FILE_SUFFIX = ".test.yaml";

    static boolean isPipelineFile(Path p) {
        String name = p.getFileName().toString();
        if (name.endsWith(TEST_FILE_SUFFIX)) {
            return false;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** camel-main's {@code routesIncludePattern}: the files as {@code file:} resources. */
    public String includePattern() {
        return files.stream().map(f -> "file:" + f).collect(Collectors.joining(","));
    }
}
