package io.busbar.connectors.http.server;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One permission a token carries: {@code admin} (everything), {@code metrics} ({@code /metrics}), or
 * {@code read:<topics>} / {@code write:<topics>}, where {@code <topics>} is a topic name ({@code orders}), a prefix
 * ending in {@code *} ({@code orders.*}: every topic starting with {@code orders.}) or {@code *} (every topic).
 * Immutable.
 *
 * @param kind   what the scope allows
 * @param topics the topic pattern of read and write scopes, null for admin and metrics
 */
public record Scope(Kind kind, String topics) {

    /** What a scope allows. */
    public enum Kind { READ, WRITE, ADMIN, METRICS }

    private static final Pattern TOPICS = Pattern.compile("[a-zA-Z0-9._-]{0,249}\\*?");

    public static final Scope ADMIN = new Scope(Kind.ADMIN, null);
    public static final Scope METRICS = new Scope(Kind.METRICS, null);

    /** Parses {@code admin}, {@code metrics}, {@code read:<topics>} or {@code write:<topics>}; the error names the form. */
    public static Scope parse(String text) {
        String s = text.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("admin")) {
            return ADMIN;
        }
        if (lower.equals("metrics")) {
            return METRICS;
        }
        int colon = s.indexOf(':');
        String kind = colon < 0 ? lower : lower.substring(0, colon);
        String topics = colon < 0 ? "" : s.substring(colon + 1);
        if ((kind.equals("read") || kind.equals("write")) && !topics.isEmpty() && TOPICS.matcher(topics).matches()) {
            return new Scope(kind.equals("read") ? Kind.READ : Kind.WRITE, topics);
        }
        throw new IllegalArgumentException("Scope '" + text + "' is invalid: use admin, metrics, read:<topic>,"
                + " write:<topic>, a prefix such as read:orders.* or every topic with read:*");
    }

    /** A read or write scope on one topic: what an endpoint needs. */
    public static Scope on(Kind kind, String topic) {
        return new Scope(kind, topic);
    }

    /** Whether holding this scope allows what {@code needed} names. {@code admin} allows everything. */
    public boolean allows(Scope needed) {
        if (kind == Kind.ADMIN) {
            return true;
        }
        if (kind != needed.kind) {
            return false;
        }
        if (topics == null) {
            return true;
        }
        return needed.topics == null || matches(needed.topics);
    }

    /** Whether a topic name falls under this scope's pattern. */
    public boolean matches(String topic) {
        if (topics.endsWith("*")) {
            return topic.startsWith(topics.substring(0, topics.length() - 1));
        }
        return topics.equals(topic);
    }

    @Override
    public String toString() {
        return topics == null ? kind.name().toLowerCase(Locale.ROOT) : kind.name().toLowerCase(Locale.ROOT) + ":" + topics;
    }
}
