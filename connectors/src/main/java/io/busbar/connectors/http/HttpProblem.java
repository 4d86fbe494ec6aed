package io.busbar.connectors.http;

/**
 * The kinds of request the HTTP connectors refuse, each with its status code and the stable {@code error} code of
 * the JSON error body ({@code {"status":404,"error":"unknown_topic","message":"..."}}), so clients can tell
 * failures apart without parsing messages.
 */
public enum HttpProblem {
    BAD_REQUEST(400, "bad_request"),
    INVALID_BODY(400, "invalid_body"),
    UNAUTHORIZED(401, "unauthorized"),
    NOT_FOUND(404, "not_found"),
    UNKNOWN_TOPIC(404, "unknown_topic"),
    UNKNOWN_GROUP(404, "unknown_group"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    BODY_TOO_LARGE(413, "body_too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    BUS_ERROR(500, "bus_error"),
    OVERLOADED(503, "overloaded");

    private final int status;
    private final String code;

    HttpProblem(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
