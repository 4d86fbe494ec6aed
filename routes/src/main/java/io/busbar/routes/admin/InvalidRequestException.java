package io.busbar.routes.admin;

import io.busbar.connectors.http.server.HttpProblem;

/** A parameter or body is missing or malformed (HTTP 400). */
public final class InvalidRequestException extends AdminRequestException {

    public InvalidRequestException(String message) {
        super(HttpProblem.BAD_REQUEST, message);
    }

    static Long parseBounded(String name, String value, long min, long max) {
        try {
            long v = Long.parseLong(value.trim());
            if (v < min || v > max) {
                throw new InvalidRequestException("Parameter '" + name + "' = " + v + " is out of range: use "
                        + min + ".." + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Parameter '" + name + "' = '" + value + "' is not a number: use an integer");
        }
    }
}
