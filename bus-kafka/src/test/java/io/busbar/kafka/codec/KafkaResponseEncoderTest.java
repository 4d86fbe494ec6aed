package io.busbar.kafka.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaResponseEncoderTest {

    @TempDir
    Path dir;

    /** Everything the encoder wrote, file regions included, as one byte array. */
    private static ByteBuffer written(EmbeddedChannel channel) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel sink = Channels.newChannel(out);
        Object part;
        while ((part = channel.readOutbound()) != null) {
            if (part instanceof ByteBuf buf) {
                byte[] b = new byte[buf.readableBytes()];
                buf.readBytes(b);
                out.write(b);
                buf.release();
            } else if (part instanceof FileRegion region) {
                while (region.transferred() < region.count()) {
                    region.transferTo(sink, region.transferred());
                }
                region.release();
            }
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    @Test
    void writesApiVersionsWithHeaderV0ThatTheClientParses() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new KafkaResponseEncoder(true));
        ApiVersionTable table = new ApiVersionTable(EnumSet.of(ApiKeys.API_VERSIONS, ApiKeys.PRODUCE, ApiKeys.FETCH));
        channel.writeOutbound(new KafkaResponse(ApiKeys.API_VERSIONS, (short) 3, 11, table.response()));

        ByteBuffer frame = written(channel);
        assertThat(frame.getInt()).isEqualTo(frame.remaining());
        assertThat(frame.getInt()).isEqualTo(11); // correlation id; header v0 has no tagged fields
        ApiVersionsResponse response = ApiVersionsResponse.parse(frame, (short) 3);
        assertThat(response.data().errorCode()).isZero();
        ApiVersionsResponseData.ApiVersion produce = response.data().apiKeys().find(ApiKeys.PRODUCE.id);
        assertThat(produce.minVersion()).isZero(); // KAFKA-18659: librdkafka needs Produce min 0 advertised
        assertThat(produce.maxVersion()).isEqualTo((short) 11);
        assertThat(response.data().apiKeys().find(ApiKeys.FETCH.id).minVersion()).isEqualTo((short) 4);
    }

    @Test
    void theUnsupportedVersionReplyIsReadableByAClientThatAskedForANewerVersion() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new KafkaResponseEncoder(true));
        ApiVersionTable table = new ApiVersionTable(EnumSet.of(ApiKeys.API_VERSIONS));
        channel.writeOutbound(new KafkaResponse(ApiKeys.API_VERSIONS, (short) 0, 3, table.unsupportedVersionResponse()));

        ByteBuffer frame = written(channel);
        frame.getInt();
        assertThat(frame.getInt()).isEqualTo(3);
        // a client that sent v99 parses at its version and falls back to v0, as NetworkClient does
        ApiVersionsResponse response = ApiVersionsResponse.parse(frame, (short) 4);
        assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
        assertThat(response.data().apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion()).isEqualTo((short) 4);
    }

    @Test
    void sendsFileRecordsAsAFileRegionAndTheClientReadsTheSameRecords() throws Exception {
        checkFetchOfFileRecords(true);
    }

    @Test
    void copiesFileRecordsWhenZeroCopyIsOff() throws Exception {
        checkFetchOfFileRecords(false);
    }

    private void checkFetchOfFileRecords(boolean zeroCopy) throws Exception {
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(1L, "k".getBytes(StandardCharsets.UTF_8), "hello".getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord(2L, null, "world".getBytes(StandardCharsets.UTF_8)));
        try (FileRecords file = FileRecords.open(dir.resolve("00000000000000000000.log").toFile())) {
            file.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("padding".getBytes(StandardCharsets.UTF_8))));
            int start = file.sizeInBytes();
            file.append(batch);
            FileRecords slice = file.slice(start, batch.sizeInBytes());

            FetchResponseData body = new FetchResponseData().setSessionId(0);
            body.responses().add(new FetchResponseData.FetchableTopicResponse().setTopic("t")
                    .setPartitions(List.of(new FetchResponseData.PartitionData().setPartitionIndex(0)
                            .setHighWatermark(3).setLastStableOffset(3).setLogStartOffset(0).setRecords(slice))));
            EmbeddedChannel channel = new EmbeddedChannel(new KafkaResponseEncoder(zeroCopy));
            channel.writeOutbound(new KafkaResponse(ApiKeys.FETCH, (short) 11, 9, body));

            List<Class<?>> kinds = new ArrayList<>();
            channel.outboundMessages().forEach(m -> kinds.add(m instanceof FileRegion ? FileRegion.class : ByteBuf.class));
            assertThat(kinds.contains(FileRegion.class)).isEqualTo(zeroCopy);

            ByteBuffer frame = written(channel);
            assertThat(frame.getInt()).isEqualTo(frame.remaining());
            assertThat(frame.getInt()).isEqualTo(9);
            FetchResponse response = FetchResponse.parse(frame, (short) 11);
            FetchResponseData.PartitionData p = response.data().responses().get(0).partitions().get(0);
            assertThat(p.highWatermark()).isEqualTo(3);
            List<String> values = new ArrayList<>();
            for (Record r : ((org.apache.kafka.common.record.Records) p.records()).records()) {
                values.add(StandardCharsets.UTF_8.decode(r.value()).toString());
            }
            assertThat(values).containsExactly("hello", "world");
        }
    }
}
