package io.busbar.kafka.codec;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** A response body to send for a request: the encoder derives the header version from key and version. */
public record KafkaResponse(ApiKeys apiKey, short apiVersion, int correlationId, ApiMessage body) {

    /** Response header version; ApiVersions always uses v0 (KIP-511), which ApiKeys already encodes. */
    short headerVersion() {
        return apiKey.responseHeaderVersion(apiVersion);
    }
}
