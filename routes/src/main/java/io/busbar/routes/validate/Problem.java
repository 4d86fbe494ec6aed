package io.busbar.routes.validate;

import java.nio.file.Path;

/**
 * One thing wrong in a pipeline file, located to the line. Immutable.
 *
 * @param file      the pipeline file
 * @param line      1-based line, or 0 when unknown
 * @param route     the route's id, or null when the route has none (Camel would generate one)
 * @param parameter the parameter at fault, or null
 * @param message   what is wrong and the fix
 */
public record Problem(Path file, int line, String route, String parameter, String message) {

    /** {@code orders-in.yaml:12: route orders-in: ...}, the form printed by {@code busbar run} and {@code busbar validate}. */
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (route != null ? "route " + route + ": " : "") + message;
    }
}
