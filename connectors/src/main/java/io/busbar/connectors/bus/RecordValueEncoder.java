package io.busbar.connectors.bus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.camel.Exchange;
import org.apache.camel.NoTypeConversionAvailableException;

import java.io.InputStream;

/**
 * Turns an exchange body into record value bytes: {@code raw} through Camel's type converters, {@code json} through
 * Jackson for objects that are not already text, bytes or a stream. A null body is a null value (a tombstone on a
 * compacted topic). Thread-safe.
 */
final class RecordValueEncoder {

    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

    private final boolean json;
    private final String endpointUri;

    RecordValueEncoder(String valueFormat, String endpointUri) {
        this.json = "json".equals(valueFormat);
        this.endpointUri = endpointUri;
    }

    byte[] encode(Exchange exchange) throws Exception {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return null;
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (json && !(body instanceof String) && !(body instanceof InputStream)) {
            return JSON.writeValueAsBytes(body);
        }
        try {
            return exchange.getContext().getTypeConverter().mandatoryConvertTo(byte[].class, exchange, body);
        } catch (NoTypeConversionAvailableException e) {
            throw new UnconvertibleBodyException("Body of type " + body.getClass().getName()
                    + " cannot become the value of a record for " + endpointUri
                    + ": add valueFormat=json to write it as JSON, or convert the body first (" + e.getMessage() + ")");
        }
    }
}
