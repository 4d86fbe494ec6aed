package io.busbar.routes.admin;

/**
 * What an admin operation answers: an HTTP status and a body that Jackson writes as JSON (null: no body). Immutable.
 */
public record ApiResponse(int status, Object body) {

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse created(Object body) {
        return new ApiResponse(201, body);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null);
    }
}
