import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One consumer Fetch of partition 0 at the highest version both sides know, as the consumer sends it (read_uncommitted,
 * fetch.max.bytes 50 MiB), to compare what two brokers answer: saves the response body (after the response header) and
 * prints the advertised Fetch versions, the partition's fields, the record bytes, how many whole batches they hold and
 * the partial tail after them, and the batch attributes.
 *
 * Usage (java's source launcher, kafka-clients on the class path):
 *   java -cp $TOOLS_CP bench/kafka-perf/src/FetchDump.java BOOTSTRAP TOPIC OFFSET PARTITION_MAX_BYTES OUT_FILE
 */
public class FetchDump {
    private static DataInputStream in;
    private static DataOutputStream out;
    private static int correlationId;

    public static void main(String[] args) throws Exception {
        String[] hostPort = args[0].split(":");
        String topic = args[1];
        long offset = Long.parseLong(args[2]);
        int partitionMaxBytes = Integer.parseInt(args[3]);
        try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            out = new DataOutputStream(socket.getOutputStream());
            ApiVersionsResponse versions = (ApiVersionsResponse) AbstractResponse.parseResponse(ApiKeys.API_VERSIONS,
                    new ByteBufferAccessor(call(new ApiVersionsRequest.Builder(), (short) 3)), (short) 3);
            ApiVersionsResponseData.ApiVersion fetch = versions.data().apiKeys().find(ApiKeys.FETCH.id);
            short version = (short) Math.min(fetch.maxVersion(), ApiKeys.FETCH.latestVersion());
            System.out.println("Fetch versions " + fetch.minVersion() + ".." + fetch.maxVersion() + ", sending v" + version);
            MetadataResponse metadata = (MetadataResponse) AbstractResponse.parseResponse(ApiKeys.METADATA,
                    new ByteBufferAccessor(call(new MetadataRequest.Builder(List.of(topic), false), (short) 12)), (short) 12);
            Uuid topicId = metadata.data().topics().find(topic).topicId();
            Map<TopicPartition, FetchRequest.PartitionData> partitions = new LinkedHashMap<>();
            partitions.put(new TopicPartition(topic, 0),
                    new FetchRequest.PartitionData(topicId, offset, -1, partitionMaxBytes, Optional.empty()));
            ByteBuffer body = call(FetchRequest.Builder.forConsumer(version, 500, 1, partitions).setMaxBytes(50 << 20), version);
            byte[] raw = new byte[body.remaining()];
            body.duplicate().get(raw);
            Files.write(Path.of(args[4]), raw);
            FetchResponseData response = ((FetchResponse) AbstractResponse.parseResponse(ApiKeys.FETCH,
                    new ByteBufferAccessor(body), version)).data();
            System.out.println("response body " + raw.length + " B, error " + response.errorCode() + ", session "
                    + response.sessionId() + ", unknown tagged fields " + response.unknownTaggedFields().size());
            for (FetchResponseData.FetchableTopicResponse t : response.responses()) {
                for (FetchResponseData.PartitionData p : t.partitions()) {
                    describe(p);
                }
            }
        }
    }

    private static void describe(FetchResponseData.PartitionData p) {
        System.out.println("partition " + p.partitionIndex() + ": error " + p.errorCode() + ", high watermark "
                + p.highWatermark() + ", last stable " + p.lastStableOffset() + ", log start " + p.logStartOffset()
                + ", aborted transactions " + p.abortedTransactions() + ", preferred read replica "
                + p.preferredReadReplica() + ", diverging epoch " + p.divergingEpoch().epoch() + ", current leader "
                + p.currentLeader().leaderId() + ", unknown tagged fields " + p.unknownTaggedFields().size());
        MemoryRecords records = (MemoryRecords) p.records();
        int batches = 0, wholeBytes = 0, count = 0, smallest = Integer.MAX_VALUE, largest = 0;
        boolean valid = true;
        Map<String, Integer> kinds = new TreeMap<>();
        for (MutableRecordBatch b : records.batches()) { // stops before a partial last batch, as the client does
            batches++;
            wholeBytes += b.sizeInBytes();
            count += b.countOrNull();
            smallest = Math.min(smallest, b.sizeInBytes());
            largest = Math.max(largest, b.sizeInBytes());
            valid &= b.isValid();
            kinds.merge("magic " + b.magic() + ", " + b.compressionType() + ", " + b.timestampType() + ", transactional "
                    + b.isTransactional() + ", control " + b.isControlBatch() + ", leader epoch "
                    + b.partitionLeaderEpoch() + ", " + b.countOrNull() + " records", 1, Integer::sum);
        }
        System.out.println("records " + records.sizeInBytes() + " B: " + batches + " whole batches (" + wholeBytes + " B, "
                + count + " records, " + smallest + ".." + largest + " B each, CRC valid " + valid + "), partial tail "
                + (records.sizeInBytes() - wholeBytes) + " B");
        kinds.forEach((kind, n) -> System.out.println("  " + n + " x " + kind));
    }

    /** Sends a request and returns the response body after its header. */
    private static ByteBuffer call(AbstractRequest.Builder<?> builder, short version) throws IOException {
        ByteBuffer request = builder.build(version)
                .serializeWithHeader(new RequestHeader(builder.apiKey(), version, "fetch-dump", ++correlationId));
        out.writeInt(request.remaining());
        out.write(request.array(), request.arrayOffset() + request.position(), request.remaining());
        out.flush();
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        ByteBuffer body = ByteBuffer.wrap(frame);
        ResponseHeader.parse(body, builder.apiKey().responseHeaderVersion(version));
        return body;
    }
}
