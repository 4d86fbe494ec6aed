package io.busbar.kafka.codec;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * One decoded request: the header fields handlers need and the body as kafka-clients' generated {@code *Data} message.
 *
 * @param body         the request body, or null for an ApiVersions request of a version we do not know (answered
 *                     with a v0 reply carrying UNSUPPORTED_VERSION, as Kafka does)
 * @param sizeInBytes  frame size, for logs
 */
public record KafkaRequest(ApiKeys apiKey, short apiVersion, int correlationId, String clientId, ApiMessage body,
                           int sizeInBytes) {

    public boolean isUnsupportedApiVersions() {
        return body == null;
    }

    @Override
    public String toString() {
        return apiKey.name + " v" + apiVersion + " (correlation id " + correlationId + ", client '" + clientId + "', "
                + sizeInBytes + " bytes)";
    }
}
