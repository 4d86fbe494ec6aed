package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The JSON form of rows on the bus. Decimals are exact both ways: written as plain JSON numbers
 * ({@code 123456789012345678901234567890.12}, never exponent notation, never through {@code double}) and read back
 * as {@link java.math.BigDecimal}. The mapper is thread-safe once built.
 */
final class RecordJson {

    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .nodeFactory(NODES)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private RecordJson() {
    }
}
