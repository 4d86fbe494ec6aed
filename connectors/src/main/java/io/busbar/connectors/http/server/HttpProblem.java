package io.busbar.connectors.http.server;

/**
 * The kinds of failure every Busbar HTTP endpoint answers with, each with its status, a short title and a stable
 * problem type ({@code urn:busbar:problem:<code>}) so clients can tell failures apart without parsing the detail.
 * They become RFC 9457 problem details ({@link ProblemDetails}).
 */
public enum HttpProblem {
    BAD_REQUEST(400, "bad_request", "Bad request"),
    INVALID_BODY(400, "invalid_body", "Invalid request body"),
    UNAUTHORIZED(401, "unauthorized", "Authentication required"),
    FORBIDDEN(403, "forbidden", "Scope missing"),
    NOT_FOUND(404, "not_found", "Not found"),
    UNKNOWN_TOPIC(404, "unknown_topic", "Unknown topic"),
    UNKNOWN_GROUP(404, "unknown_group", "Unknown consumer group"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed", "Method not allowed"),
    CONFLICT(409, "conflict", "Conflict"),
    BODY_TOO_LARGE(413, "body_too_large", "Body too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type", "Unsupported media type"),
    BUS_ERROR(500, "bus_error", "Bus error"),
    SERVER_ERROR(500, "server_error", "Server error"),
    OVERLOADED(503, "overloaded", "Overloaded"),
    UNAVAILABLE(503, "unavailable", "Unavailable");

    /** Prefix of every problem type: a URN, stable and not tied to a host name (RFC 9457 section 3.1.1). */
    public static final String TYPE_PREFIX = "urn:busbar:problem:";

    private final int status;
    private final String code;
    private final String title;

    HttpProblem(int status, String code, String title) {
        this.status = status;
        this.code = code;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    /** The problem type URI, e.g. {@code urn:busbar:problem:unknown_topic}. */
    public String type() {
        return TYPE_PREFIX + code;
    }
}
