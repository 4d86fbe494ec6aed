package io.busbar.routes.admin;

import io.busbar.connectors.http.server.HttpProblem;

/** Pipeline operations on a bus opened without the runtime, e.g. the CLI on a stopped data directory (HTTP 503). */
public final class PipelinesUnavailableException extends AdminRequestException {

    public PipelinesUnavailableException() {
        super(HttpProblem.UNAVAILABLE, "Pipelines are not running here: start the runtime (busbar run) and use --url http://127.0.0.1:<port>");
    }
}
