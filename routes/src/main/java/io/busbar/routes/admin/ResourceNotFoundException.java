package io.busbar.routes.admin;

import io.busbar.connectors.http.server.HttpProblem;

/** No such path, pipeline or record (HTTP 404). Unknown topics and groups come as the bus's own exceptions. */
public final class ResourceNotFoundException extends AdminRequestException {

    public ResourceNotFoundException(String message) {
        super(HttpProblem.NOT_FOUND, message);
    }
}
