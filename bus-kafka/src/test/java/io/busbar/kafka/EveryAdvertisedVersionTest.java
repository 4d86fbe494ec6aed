package io.busbar.kafka;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every advertised API answers a request at every version it accepts, on the same connection: a field written at a
 * version that lacks it would fail the response and close the connection, which is what this guards against.
 */
class EveryAdvertisedVersionTest {

    @TempDir
    Path dir;

    @Test
    void everyAdvertisedApiAnswersAtEveryAcceptedVersion() throws Exception {
        try (TestBroker broker = TestBroker.start(dir);
             RawKafkaClient client = new RawKafkaClient(broker.listener().address())) {
            ApiVersionsResponse versions = client.send(new ApiVersionsRequest.Builder(), (short) 3);
            List<String> answered = new ArrayList<>();
            for (ApiVersionsResponseData.ApiVersion range : versions.data().apiKeys()) {
                ApiKeys key = ApiKeys.forId(range.apiKey());
                // Produce v0-2 are advertised for librdkafka's sake only (KAFKA-18659) and refused, as in Kafka 4
                short from = key == ApiKeys.PRODUCE ? 3 : range.minVersion();
                for (short v = from; v <= range.maxVersion(); v++) {
                    ApiMessage body = key.messageType.newRequest();
                    if (body instanceof ProduceRequestData produce) {
                        produce.setAcks((short) 1);
                    }
                    RequestHeader header = new RequestHeader(key, v, "versions-test", 1000 + answered.size());
                    client.writeFrame(RequestUtils.serialize(header.data(), header.headerVersion(), body, v));
                    AbstractResponse response = client.receive(key, v, 1000 + answered.size());
                    assertThat(response).as("%s v%d", key, v).isNotNull();
                    answered.add(key.name + " v" + v);
                }
            }
            assertThat(answered).contains("Fetch v4", "Fetch v17", "Metadata v0", "JoinGroup v0", "ListOffsets v1");
        }
    }
}
