package io.busbar.kafka;

import io.busbar.bus.BusConfig;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.handler.KafkaApis;
import io.busbar.kafka.server.KafkaServer;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The port is bound before the handlers exist (they need the bound port to advertise). A client that connects in
 * that window must be served once the listener is ready, not dropped (issue 18: kcat -P gave up with "All broker
 * connections are down"). The window is held open here with a handler factory that waits for a latch.
 */
class ListenerStartupTest {

    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the server in the background; its handler factory blocks until {@code release}. */
    private static CompletableFuture<KafkaServer> startHeld(EmbeddedBus bus, int port, CountDownLatch release) {
        return CompletableFuture.supplyAsync(() -> KafkaServer.start(KafkaListenerConfig.onAddress("127.0.0.1", port),
                (host, p) -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return KafkaApis.create(bus, host, p);
                }));
    }

    private static void awaitPortOpen(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(5);
            }
        }
        fail("port " + port + " never opened");
    }

    @Test
    void aRequestSentTheInstantThePortOpensIsAnswered() throws Exception {
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            int port = freePort();
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<KafkaServer> server = startHeld(bus, port, release);
            awaitPortOpen(port);
            try (RawKafkaClient early = new RawKafkaClient(new InetSocketAddress("127.0.0.1", port))) {
                int correlation = early.sendOnly(new ApiVersionsRequest.Builder(), (short) 3);
                Thread.sleep(300); // the request waits in the socket while the listener is not ready
                release.countDown();
                ApiVersionsResponse r = (ApiVersionsResponse) early.receive(ApiKeys.API_VERSIONS, (short) 3, correlation);
                assertThat(r.data().errorCode()).isZero();
            } finally {
                release.countDown();
                server.get(20, TimeUnit.SECONDS).close();
            }
        }
    }

    @Test
    void kcatProducingTheInstantThePortOpensSucceeds() throws Exception {
        String kcat = findKcat();
        if (kcat == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("kcat is not on PATH but CI=true: install it (apt-get install -y kcat), as .ci/run does");
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "kcat is not on PATH: apt-get install -y kcat");
        }
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            int port = freePort();
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<KafkaServer> server = startHeld(bus, port, release);
            awaitPortOpen(port);
            Process p = new ProcessBuilder(kcat, "-P", "-b", "127.0.0.1:" + port, "-t", "startup", "-p", "0")
                    .redirectErrorStream(true).start();
            p.getOutputStream().write("early-bird\n".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            Thread.sleep(500);
            release.countDown();
            try {
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.exitValue()).as("kcat output: %s", out).isZero();
                assertThat(bus.partitionLog(new TopicPartition("startup", 0)).logEndOffset()).isEqualTo(1);
            } finally {
                p.destroyForcibly();
                server.get(20, TimeUnit.SECONDS).close();
            }
        }
    }

    private static String findKcat() {
        for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, "kcat"))) {
                return Path.of(p, "kcat").toString();
            }
        }
        return null;
    }
}
