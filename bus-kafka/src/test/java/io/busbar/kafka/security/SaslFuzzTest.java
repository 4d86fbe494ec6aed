package io.busbar.kafka.security;

import io.busbar.bus.BusConfig;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.KafkaListener;
import io.busbar.kafka.KafkaListenerConfig;
import io.busbar.kafka.handler.KafkaApis;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated SaslHandshake / SaslAuthenticate frames on a SASL listener, each followed by a Metadata request:
 * the Metadata request is never answered (no unauthenticated request is served), every such connection is closed,
 * and afterwards the broker still authenticates a real client. ~300 connections, a few seconds.
 */
class SaslFuzzTest {

    private static final int PROBE = 999_999;

    @TempDir
    Path dir;

    @Test
    void garbageSaslNeverGetsARequestServed() throws Exception {
        long seed = Long.getLong("busbar.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            ScramCredentialStore.open(KafkaApis.stateDir(bus)).upsert("alice", ScramMechanism.SCRAM_SHA_256, "alice-secret", 4096);
            Map<String, String> p = new HashMap<>();
            p.put(KafkaListenerConfig.LISTENERS, "SASL://127.0.0.1:0");
            p.put(KafkaListenerConfig.PROTOCOL_MAP, "SASL:SASL_PLAINTEXT");
            p.put(SecurityConfig.SASL_MECHANISMS, "SCRAM-SHA-256,PLAIN");
            p.put(SecurityConfig.SUPER_USERS, "User:alice");
            try (KafkaListener listener = KafkaListener.start(bus, KafkaListenerConfig.fromProperties(p))) {
                InetSocketAddress address = listener.address();
                for (int i = 0; i < 300; i++) {
                    List<ByteBuffer> frames = scenario(random, i % 6);
                    frames.add(frame(new MetadataRequest.Builder(new MetadataRequestData().setTopics(null)), (short) 12, PROBE));
                    assertThat(sendAndCollectCorrelationIds(address, frames))
                            .as("connection %d (seed %d): the Metadata probe must not be answered", i, seed)
                            .doesNotContain(PROBE);
                }
                try (Admin alice = Admin.create(SecureClients.saslPlaintext(listener.bootstrapServers(), "SCRAM-SHA-256",
                        "alice", "alice-secret"))) {
                    alice.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("secret", 1, (short) 1)))
                            .all().get(20, TimeUnit.SECONDS);
                    assertThat(alice.listTopics().names().get(20, TimeUnit.SECONDS)).contains("secret");
                }
            }
        }
    }

    private static List<ByteBuffer> scenario(Random r, int kind) {
        List<ByteBuffer> f = new ArrayList<>();
        switch (kind) {
            case 0 -> f.add(handshake(r.nextBoolean() ? randomString(r) : "SCRAM-SHA-512", 1));
            case 1 -> {
                f.add(handshake("SCRAM-SHA-256", 1));
                f.add(authenticate(randomBytes(r, 300), 2));
            }
            case 2 -> {
                f.add(handshake("PLAIN", 1));
                f.add(authenticate(("\0alice\0" + randomString(r)).getBytes(StandardCharsets.UTF_8), 2));
            }
            case 3 -> f.add(authenticate(randomBytes(r, 100), 1)); // no handshake first
            case 4 -> f.add(mutate(r, handshake("SCRAM-SHA-256", 1)));
            default -> {
                f.add(handshake("SCRAM-SHA-256", 1));
                String first = "n,,n=alice,r=" + randomString(r);
                f.add(authenticate(first.getBytes(StandardCharsets.UTF_8), 2));
                f.add(mutate(r, authenticate(("c=biws,r=x,p=" + randomString(r)).getBytes(StandardCharsets.UTF_8), 3)));
            }
        }
        return f;
    }

    private static ByteBuffer handshake(String mechanism, int correlationId) {
        return frame(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism(mechanism)), (short) 1, correlationId);
    }

    private static ByteBuffer authenticate(byte[] bytes, int correlationId) {
        return frame(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData().setAuthBytes(bytes)), (short) 2, correlationId);
    }

    private static ByteBuffer frame(AbstractRequest.Builder<?> builder, short version, int correlationId) {
        AbstractRequest request = builder.build(version);
        ApiKeys key = request.apiKey();
        return request.serializeWithHeader(new RequestHeader(key, version, "fuzz", correlationId));
    }

    /** Flips bytes after the 8-byte fixed header part (the API key stays, so the frame still looks like SASL). */
    private static ByteBuffer mutate(Random r, ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        int flips = 1 + r.nextInt(4);
        for (int i = 0; i < flips && bytes.length > 8; i++) {
            bytes[8 + r.nextInt(bytes.length - 8)] = (byte) r.nextInt(256);
        }
        return ByteBuffer.wrap(bytes);
    }

    private static byte[] randomBytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }

    private static String randomString(Random r) {
        StringBuilder s = new StringBuilder();
        int n = r.nextInt(40);
        for (int i = 0; i < n; i++) {
            s.append((char) (32 + r.nextInt(95)));
        }
        return s.toString();
    }

    /** Sends the frames, then reads response frames until the server closes (or 5 s pass); returns their correlation ids. */
    private static List<Integer> sendAndCollectCorrelationIds(InetSocketAddress address, List<ByteBuffer> frames) throws IOException {
        List<Integer> ids = new ArrayList<>();
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            try {
                for (ByteBuffer f : frames) {
                    byte[] b = new byte[f.remaining()];
                    f.get(b);
                    out.writeInt(b.length);
                    out.write(b);
                }
                out.flush();
            } catch (SocketException e) {
                return ids; // closed while we were still writing: nothing served
            }
            DataInputStream in = new DataInputStream(s.getInputStream());
            try {
                while (true) {
                    int size = in.readInt();
                    byte[] body = new byte[size];
                    in.readFully(body);
                    ids.add(ByteBuffer.wrap(body).getInt(0));
                }
            } catch (EOFException | SocketException e) {
                return ids; // closed by the server, as it must be
            } catch (SocketTimeoutException e) {
                throw new AssertionError("The server neither answered nor closed the connection within 5 s; answered " + ids);
            }
        }
    }
}
