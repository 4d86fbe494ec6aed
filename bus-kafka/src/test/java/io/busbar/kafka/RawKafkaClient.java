package io.busbar.kafka;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A blocking one-connection Kafka client for protocol tests: sends requests built with kafka-clients' request
 * builders (or raw bytes) and parses the responses the way the real client does.
 */
public final class RawKafkaClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private int correlationId;

    public RawKafkaClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** Sends a request at {@code version} and returns the parsed response. */
    @SuppressWarnings("unchecked")
    public <T extends AbstractResponse> T send(AbstractRequest.Builder<?> builder, short version) throws IOException {
        int id = sendOnly(builder, version);
        return (T) receive(builder.apiKey(), version, id);
    }

    /** Sends a request without reading a response; returns its correlation id. */
    public int sendOnly(AbstractRequest.Builder<?> builder, short version) throws IOException {
        AbstractRequest request = builder.build(version);
        int id = ++correlationId;
        ByteBuffer bytes = request.serializeWithHeader(new RequestHeader(builder.apiKey(), version, "raw-test", id));
        writeFrame(bytes);
        return id;
    }

    public AbstractResponse receive(ApiKeys key, short version, int expectedCorrelationId) throws IOException {
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        ByteBuffer buf = ByteBuffer.wrap(body);
        ResponseHeader header = ResponseHeader.parse(buf, key.responseHeaderVersion(version));
        if (header.correlationId() != expectedCorrelationId) {
            throw new IllegalStateException("correlation id " + header.correlationId() + ", expected " + expectedCorrelationId);
        }
        return AbstractResponse.parseResponse(key, buf, version);
    }

    public void writeFrame(ByteBuffer payload) throws IOException {
        out.writeInt(payload.remaining());
        byte[] b = new byte[payload.remaining()];
        payload.get(b);
        out.write(b);
        out.flush();
    }

    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** True when the server closes the connection within {@code timeout} (reads and discards anything sent first). */
    public boolean closedByServerWithin(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000)));
            try {
                if (in.read() < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // still open; keep waiting
            } catch (EOFException | java.net.SocketException e) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
