package io.busbar.connectors.http.server;

import java.util.Map;

/**
 * What an endpoint needs, declared with its route: nothing ({@link #open()}), {@code admin}, {@code metrics}, or
 * read/write on the topic named by a path parameter, or read on any topic (lists, which then show only what the
 * token may read). Immutable.
 *
 * @param kind       what is needed; null for an open endpoint
 * @param topicParam the path parameter naming the topic, for {@code READ}/{@code WRITE}; null for any topic
 */
public record Access(Scope.Kind kind, String topicParam) {

    private static final Access OPEN = new Access(null, null);

    public static Access open() {
        return OPEN;
    }

    public static Access admin() {
        return new Access(Scope.Kind.ADMIN, null);
    }

    public static Access metrics() {
        return new Access(Scope.Kind.METRICS, null);
    }

    public static Access read(String topicParam) {
        return new Access(Scope.Kind.READ, topicParam);
    }

    public static Access write(String topicParam) {
        return new Access(Scope.Kind.WRITE, topicParam);
    }

    /** A read scope on any topic: for lists of topics and groups. */
    public static Access anyRead() {
        return new Access(Scope.Kind.READ, null);
    }

    public boolean isOpen() {
        return kind == null;
    }

    /** The scope a request needs, given the matched path parameters; null when open. */
    public Scope required(Map<String, String> pathParams) {
        if (kind == null) {
            return null;
        }
        return new Scope(kind, topicParam == null ? null : pathParams.get(topicParam));
    }

    /** How the needed scope is written in messages: {@code write:orders}, {@code read:<any topic>}, {@code admin}. */
    public static String describe(Scope needed) {
        if (needed.kind() == Scope.Kind.READ || needed.kind() == Scope.Kind.WRITE) {
            return needed.kind().name().toLowerCase(java.util.Locale.ROOT) + ":"
                    + (needed.topics() == null ? "<any topic>" : needed.topics());
        }
        return needed.toString();
    }
}
