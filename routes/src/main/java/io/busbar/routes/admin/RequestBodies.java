package io.busbar.routes.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.util.stream.Collectors;

/**
 * Reads request bodies into typed records, strictly: an unknown field, a number where text is expected (or the
 * reverse) or a fractional number for an integer is refused with a {@link InvalidRequestException} naming the field,
 * rather than guessed at ({@code {"name": 5}} would otherwise create topic "5").
 */
final class RequestBodies {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    static {
        // text fields take text only: no number or boolean turned into a string
        STRICT.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }

    private RequestBodies() {
    }

    static <T> T read(JsonNode body, Class<T> type) {
        try {
            return STRICT.treeToValue(body == null || body.isMissingNode() ? STRICT.createObjectNode() : body, type);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidRequestException("Field '" + e.getPropertyName() + "' is not known here: use "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", ")));
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw new InvalidRequestException("Field '" + field + "' has the wrong type: expected "
                    + e.getTargetType().getSimpleName().replace("Integer", "integer").replace("Long", "integer")
                    .replace("String", "text"));
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("The request body is not valid here: " + e.getOriginalMessage());
        }
    }
}
