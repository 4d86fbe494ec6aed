package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one Jackson mapper of the admin API (thread-safe once configured) and body-reading checks. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    /** A required text field of a request body, else {@link InvalidRequestException} naming it. */
    static String requiredText(JsonNode body, String field, String what) {
        JsonNode v = body.path(field);
        if (!v.isValueNode() || v.asText().isBlank()) {
            throw new InvalidRequestException("Field '" + field + "' (" + what + ") is missing in the request body:"
                    + " send JSON with \"" + field + "\"");
        }
        return v.asText();
    }
}
