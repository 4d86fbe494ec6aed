package io.busbar.routes.validate;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The kamelets a pipeline can name ({@code kamelet:<name>}) and their parameters, read from the kamelet specs:
 * {@code kamelets/*.kamelet.yaml} on the class path (the connectors shipped with Busbar, and those of any jar on
 * the class path) and user kamelets ({@code kind: Kamelet} YAML files given with the pipelines). Immutable.
 */
public final class KameletCatalog {

    static final String CLASSPATH_FOLDER = "kamelets";
    static final String SUFFIX = ".kamelet.yaml";

    /** Options of Camel's kamelet endpoint itself, accepted beside a kamelet's own parameters. */
    static final Set<String> KAMELET_ENDPOINT_OPTIONS = Set.of("templateId", "routeId", "location", "bridgeErrorHandler",
            "exceptionHandler", "exchangePattern", "block", "failIfNoConsumers", "lazyStartProducer", "timeout",
            "noErrorHandler");

    private final Map<String, ConnectorSpec> kamelets;

    private KameletCatalog(Map<String, ConnectorSpec> kamelets) {
        this.kamelets = Collections.unmodifiableMap(kamelets);
    }

    /** The kamelets on the class path of {@code loader}, plus the given user kamelet files (which win on a name clash). */
    public static KameletCatalog load(ClassLoader loader, List<Path> userKamelets) {
        Map<String, ConnectorSpec> found = new TreeMap<>();
        try {
            Enumeration<URL> folders = loader.getResources(CLASSPATH_FOLDER);
            while (folders.hasMoreElements()) {
                readFolder(folders.nextElement(), found);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the kamelets on the class path", e);
        }
        for (Path file : userKamelets) {
            try (InputStream in = Files.newInputStream(file)) {
                add(in, file.toString(), found);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read kamelet " + file, e);
            }
        }
        return new KameletCatalog(found);
    }

    /** The kamelet's spec, or null when there is none of that name. */
    public ConnectorSpec get(String name) {
        return kamelets.get(name);
    }

    /** Every kamelet's name, sorted. */
    public Set<String> names() {
        return kamelets.keySet();
    }

    private static void readFolder(URL folder, Map<String, ConnectorSpec> found) throws IOException {
        URI uri;
        try {
            uri = folder.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("Unreadable class path entry " + folder, e);
        }
        if ("jar".equals(uri.getScheme())) {
            FileSystem jar;
            boolean opened = false;
            try {
                jar = FileSystems.getFileSystem(uri);
            } catch (FileSystemNotFoundException e) {
                jar = FileSystems.newFileSystem(uri, Map.of());
                opened = true;
            }
            try {
                readDirectory(jar.provider().getPath(uri), found);
            } finally {
                if (opened) {
                    jar.close();
                }
            }
        } else if ("file".equals(uri.getScheme())) {
            readDirectory(Path.of(uri), found);
        }
    }

    private static void readDirectory(Path directory, Map<String, ConnectorSpec> found) throws IOException {
        List<Path> specs = new ArrayList<>();
        try (Stream<Path> list = Files.list(directory)) {
            list.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().forEach(specs::add);
        }
        for (Path spec : specs) {
            try (InputStream in = Files.newInputStream(spec)) {
                // class path order: the first jar that has a kamelet wins, as with Camel's own lookup
                String name = spec.getFileName().toString();
                if (!found.containsKey(name.substring(0, name.length() - SUFFIX.length()))) {
                    add(in, spec.toUri().toString(), found);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void add(InputStream in, String origin, Map<String, ConnectorSpec> found) {
        Object root = new Load(LoadSettings.builder().build()).loadFromInputStream(in);
        if (!(root instanceof Map<?, ?> rootMap) || !"Kamelet".equals(rootMap.get("kind"))) {
            throw new IllegalArgumentException(origin + " is not a kamelet (kind: Kamelet)");
        }
        Map<String, Object> kamelet = (Map<String, Object>) rootMap;
        Map<String, Object> metadata = (Map<String, Object>) kamelet.get("metadata");
        String name = metadata == null ? null : (String) metadata.get("name");
        if (name == null) {
            throw new IllegalArgumentException("Kamelet " + origin + " has no metadata.name");
        }
        Map<String, Object> definition = (Map<String, Object>) ((Map<String, Object>) kamelet.getOrDefault("spec", Map.of()))
                .getOrDefault("definition", Map.of());
        Map<String, Object> properties = (Map<String, Object>) definition.getOrDefault("properties", Map.of());
        List<ParameterSpec> parameters = new ArrayList<>();
        properties.forEach((key, value) -> {
            Map<String, Object> p = value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            List<String> enums = new ArrayList<>();
            if (p.get("enum") instanceof List<?> values) {
                values.forEach(v -> enums.add(String.valueOf(v)));
            }
            parameters.add(new ParameterSpec(key, String.valueOf(p.getOrDefault("type", "string")), enums));
        });
        Set<String> required = new HashSet<>();
        if (definition.get("required") instanceof List<?> names) {
            names.forEach(n -> required.add(String.valueOf(n)));
        }
        found.put(name, ConnectorSpec.of("kamelet:" + name, parameters, required, KAMELET_ENDPOINT_OPTIONS));
    }
}
