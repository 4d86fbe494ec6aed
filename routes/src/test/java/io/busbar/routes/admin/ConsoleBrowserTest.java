package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web console in headless Chromium on a runtime with the sample pipelines: the topics, lag and pipeline views
 * show real figures that change as data flows, screenshots render (the header's colour, many colours, no error
 * banner), and the Replay button, clicked over the DevTools protocol, sends dead letters back to their topic. Screenshots go to {@code target/console-screenshots/} (docs/images/ holds copies).
 * Skips without chromium, except under CI=true where it fails.
 */
class ConsoleBrowserTest {

    @TempDir
    static Path dir;

    static RunningBusbar busbar;
    static HeadlessChromium chromium;
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    @BeforeAll
    static void start() throws Exception {
        chromium = HeadlessChromium.find(dir);
        if (chromium == null) {
            String message = "chromium is not installed: apt-get install -y chromium (the console's browser test needs it)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        busbar = RunningBusbar.start(dir, RunningBusbar.SAMPLE_PIPELINES, Map.of());
        busbar.post("/api/topics/payments/records", "{\"records\": [{\"key\": \"p1\", \"value\": \"bad card\"}, {\"value\": \"ok\"}]}");
        await().atMost(Duration.ofSeconds(30)).until(() -> busbar.get("/api/dlq/payments").path("records").size() == 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (busbar != null) {
            busbar.close();
        }
    }

    @Test
    void topicsViewShowsRecordCountsThatGrow() throws Exception {
        long first = figure(page("#topics"), "records", "orders");
        await().atMost(Duration.ofSeconds(30)).until(() -> busbar.get("/api/topics/orders").path("records").asLong() > first + 5);
        String dom = page("#topics/orders");
        assertThat(figure(dom, "records", "orders")).isGreaterThan(first);
        assertThat(dom).contains("id=\"partitions-table\"", "id=\"records-table\"", "{\"orderId\": ");
        assertRendered(screenshot("#topics/orders", "console-topics.png"));
    }

    @Test
    void groupsViewShowsLagThatGrowsWhileTheConsumerIsStopped() throws Exception {
        busbar.post("/api/pipelines/billing/stop", "");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> busbar.get("/api/groups/billing").path("lag").asLong() > 0);
            long first = figure(page("#groups/billing"), "lag", "billing");
            assertThat(first).isPositive();
            await().atMost(Duration.ofSeconds(30)).until(() -> busbar.get("/api/groups/billing").path("lag").asLong() > first + 5);
            String dom = page("#groups/billing");
            assertThat(figure(dom, "lag", "billing")).isGreaterThan(first);
            assertThat(dom).contains("id=\"lag-table\"", "lag of billing");
            assertRendered(screenshot("#groups/billing", "console-groups.png"));
        } finally {
            busbar.post("/api/pipelines/billing/start", "");
        }
    }

    @Test
    void replayButtonSendsDeadLettersBackToTheirTopic() throws Exception {
        busbar.post("/api/pipelines/payments/stop", ""); // the replayed records then wait in their topic
        try {
            busbar.post("/api/topics/payments/records", "{\"records\": [{\"value\": \"bad replayable\"}]}");
            await().atMost(Duration.ofSeconds(30)).until(() -> pendingDeadLetters() > 0);
            long paymentsBefore = busbar.get("/api/topics/payments").path("records").asLong();
            long pending = pendingDeadLetters();
            try (DevToolsPage page = chromium.openPage(busbar.url() + "/console/#pipelines")) {
                String button = "document.querySelector('[data-dlq=\"payments.dlq\"] button')";
                await().atMost(Duration.ofSeconds(30)).until(() -> page.evaluate(button + " !== null").asBoolean());
                assertThat(page.evaluate(button + ".textContent").asText()).isEqualTo("Replay");
                page.evaluate(button + ".click()");
                await().atMost(Duration.ofSeconds(30)).until(() -> pendingDeadLetters() == 0);
                assertThat(busbar.get("/api/topics/payments").path("records").asLong()).isEqualTo(paymentsBefore + pending);
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        page.evaluate("document.querySelector('[data-dlq=\"payments.dlq\"] h3').textContent").asText()
                                .contains("(0 not replayed)"));
            }
        } finally {
            busbar.post("/api/pipelines/payments/start", "");
        }
    }

    private static long pendingDeadLetters() throws Exception {
        for (JsonNode d : busbar.get("/api/dlq")) {
            if (d.path("topic").asText().equals("payments.dlq")) {
                return d.path("pending").asLong();
            }
        }
        return 0;
    }

    @Test
    void pipelinesViewShowsDiagramsThroughputAndDeadLetters() throws Exception {
        busbar.post("/api/topics/payments/records", "{\"records\": [{\"value\": \"bad again\"}]}");
        await().atMost(Duration.ofSeconds(30)).until(() -> pendingDeadLetters() > 0);
        String dom = page("#pipelines");
        long first = pipelineFigure(dom, "generator", "exchanges");
        assertThat(dom).contains("data-pipeline=\"billing\"", "to topic invoices", "data-dlq=\"payments.dlq\"", ">Replay<",
                "rejected payment");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                busbar.get("/api/pipelines/generator").path("exchanges").asLong() > first + 5);
        assertThat(pipelineFigure(page("#pipelines"), "generator", "exchanges")).isGreaterThan(first);
        assertRendered(screenshot("#pipelines", "console-pipelines.png"));
    }

    private static String page(String hash) throws Exception {
        String dom = chromium.dumpDom(busbar.url() + "/console/" + hash, 5000);
        assertThat(dom).as("rendered by console.js").contains("data-rendered=");
        assertThat(dom).as("no error banner").contains("class=\"error-banner\" hidden");
        assertThat(dom).doesNotContain("NaN", "undefined");
        return dom;
    }

    private static long figure(String dom, String field, String key) {
        Matcher m = Pattern.compile("data-field=\"" + field + "\" data-key=\"" + Pattern.quote(key) + "\" data-value=\"(\\d+)\"")
                .matcher(dom);
        assertThat(m.find()).as(field + " of " + key + " in the page").isTrue();
        return Long.parseLong(m.group(1));
    }

    private static long pipelineFigure(String dom, String pipeline, String field) {
        int card = dom.indexOf("data-pipeline=\"" + pipeline + "\"");
        assertThat(card).as("card of " + pipeline).isNotNegative();
        Matcher m = Pattern.compile("data-field=\"" + field + "\" data-value=\"(\\d+)\"").matcher(dom);
        assertThat(m.find(card)).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static Path screenshot(String hash, String name) throws Exception {
        Path png = SCREENSHOTS.resolve(name);
        chromium.screenshot(busbar.url() + "/console/" + hash, png, 1280, 860, 5000);
        return png;
    }

    /** The PNG decodes, shows the console's dark header, and is not blank: many colours, much non-white. */
    private static void assertRendered(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("decodable PNG " + png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getRGB(3, 3) & 0xFFFFFF).as("header colour #1d2330").isEqualTo(0x1D2330);
        Set<Integer> colours = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (rgb != 0xFFFFFF && rgb != 0xF6F7F9) {
                    nonWhite++;
                }
            }
        }
        assertThat(colours.size()).as("distinct colours in " + png).isGreaterThan(20);
        assertThat(nonWhite).as("pixels with content in " + png).isGreaterThan(image.getWidth() * image.getHeight() / 4 / 50);
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }
}
