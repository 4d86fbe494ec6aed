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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's flow map, pipeline diagrams, topic browser and offset reset in headless Chromium, on a runtime with
 * the pipelines of {@link FlowMapTest} (four pipelines sharing topics, a file source and sink, an HTTP sink): the
 * SVG has a node for every node of /api/flows and a path for every edge, clicking a node opens its page, and the
 * forms produce, find by key and reset offsets with a preview. Screenshots go to {@code target/console-screenshots/}
 * (docs/images/ holds copies). Skips without chromium, except under CI=true where it fails.
 */
class FlowMapBrowserTest {

    @TempDir
    static Path dir;

    static RunningBusbar busbar;
    static HeadlessChromium chromium;
    static Path inbox;

    @BeforeAll
    static void start() throws Exception {
        chromium = HeadlessChromium.find(dir);
        if (chromium == null) {
            String message = "chromium is not installed: apt-get install -y chromium (the console's browser tests need it)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        inbox = dir.resolve("inbox");
        busbar = RunningBusbar.start(dir, FlowMapTest.PIPELINES,
                Map.of("app.inbox", inbox.toString(), "app.outbox", dir.resolve("outbox").toString()));
        Files.createDirectories(inbox);
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            lines.append("order ").append(i).append('\n');
        }
        Files.writeString(inbox.resolve("orders.txt"), lines);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                busbar.get("/api/groups/archive").path("partitions").path(0).path("committedOffset").asLong() >= 40);
        busbar.get("/api/topics/enriched/records?group=reporting&limit=10");
        busbar.send("POST", "/api/topics", "{\"name\": \"audit\"}");
    }

    @AfterAll
    static void stop() throws Exception {
        if (busbar != null) {
            busbar.close();
        }
    }

    @Test
    void theFlowMapDrawsEveryNodeAndEdgeOfTheApi() throws Exception {
        // a second file while the page loads: the edges out of the file source then carry a rate
        Files.writeString(inbox.resolve("more.txt"), "order 41\norder 42\n");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                FlowMapTest.edge(busbar.get("/api/flows"), "pipeline:ingest", "topic:orders").path("ratePerSecond").asDouble() > 0
                && busbar.get("/api/groups/archive").path("partitions").path(0).path("committedOffset").asLong() >= 42);
        JsonNode map = busbar.get("/api/flows");
        long lag = FlowMapTest.edge(map, "topic:enriched", "client:reporting").path("lag").asLong();
        String dom = page("#flows");
        assertThat(attributes(dom, "data-node-id")).isEqualTo(new TreeSet<>(FlowMapTest.ids(map)));
        Set<String> drawn = new TreeSet<>();
        Matcher m = Pattern.compile("<path [^>]*data-from=\"([^\"]+)\" data-to=\"([^\"]+)\"").matcher(dom);
        while (m.find()) {
            drawn.add(unescape(m.group(1)) + " -> " + unescape(m.group(2)));
        }
        assertThat(drawn).isEqualTo(new TreeSet<>(FlowMapTest.edges(map)));
        assertThat(dom).contains("folder " + inbox, "HTTP POST http://127.0.0.1:9/alerts?token=xxxxxx", "lag " + lag + "<",
                "data-kind=\"client\"").doesNotContain("{{", "s3cret");
        assertRendered(screenshot("#flows", "console-flow-map.png", 1800, 720));
    }

    @Test
    void clickingANodeOpensItsPage() throws Exception {
        try (DevToolsPage page = chromium.openPage(busbar.url() + "/console/#flows")) {
            String node = "document.querySelector('[data-node-id=\"pipeline:enrich\"]')";
            await().atMost(Duration.ofSeconds(30)).until(() -> page.evaluate(node + " !== null").asBoolean());
            page.evaluate(node + ".dispatchEvent(new MouseEvent('click', {bubbles: true}))");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    page.evaluate("document.querySelector('[data-pipeline=\"enrich\"] svg.step-graph') !== null").asBoolean());
            assertThat(page.evaluate("location.hash").asText()).isEqualTo("#pipelines/enrich");
            String topic = "document.querySelector('[data-node-id=\"topic:vip-orders\"]')";
            page.evaluate("location.hash = '#flows'");
            await().atMost(Duration.ofSeconds(30)).until(() -> page.evaluate(topic + " !== null").asBoolean());
            page.evaluate(topic + ".dispatchEvent(new MouseEvent('click', {bubbles: true}))");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    page.evaluate("document.querySelector('#partitions-table') !== null").asBoolean());
            assertThat(page.evaluate("location.hash").asText()).isEqualTo("#topics/vip-orders");
        }
    }

    @Test
    void thePipelineDiagramBranchesAndCountsEachStep() throws Exception {
        String dom = page("#pipelines/enrich");
        assertThat(dom).contains("class=\"graph step-graph fit\"", "data-kind=\"choice\"", ">otherwise<",
                ">when simple: ${body} contains 'vip'<", "marshal json (jackson)", "to topic enriched");
        Matcher to = Pattern.compile("data-node-id=\"to\\d+\" [^>]*data-kind=\"to\" data-exchanges=\"(\\d+)\"").matcher(dom);
        long most = 0;
        while (to.find()) {
            most = Math.max(most, Long.parseLong(to.group(1)));
        }
        assertThat(most).as("exchanges of the busiest 'to' step").isGreaterThanOrEqualTo(40);
        assertThat(dom).doesNotContainPattern("@[0-9a-f]{6}");
        String all = page("#pipelines");
        assertThat(attributes(all, "data-pipeline")).containsExactlyInAnyOrder("alerts", "archive", "enrich", "ingest", "lines");
        assertRendered(screenshot("#pipelines/enrich", "console-pipeline-diagram.png", 1280, 760));
    }

    @Test
    void theTopicPageProducesAndFindsRecordsByKey() throws Exception {
        try (DevToolsPage page = chromium.openPage(busbar.url() + "/console/#topics/audit")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> page.evaluate("document.querySelector('#produce-form') !== null").asBoolean());
            set(page, "produce.key", "k-browser");
            set(page, "produce.value", "{\"hello\": \"console\"}");
            set(page, "produce.headers", "source: browser test");
            page.evaluate("document.querySelector('#produce-form button').click()");
            await().atMost(Duration.ofSeconds(30)).until(() -> page.evaluate(
                    "(document.querySelector('#notice') || {}).textContent || ''").asText().startsWith("Produced to audit partition 0"));
            JsonNode found = busbar.get("/api/topics/audit/search?key=k-browser");
            assertThat(found.path("records")).hasSize(1);
            assertThat(found.path("records").path(0).path("headers").path(0).path("value").asText()).isEqualTo("browser test");
            set(page, "browse.mode", "key");
            set(page, "browse.value", "k-browser");
            page.evaluate("document.querySelector('#browse-form button').click()");
            await().atMost(Duration.ofSeconds(30)).until(() -> page.evaluate(
                    "document.querySelector('#view h3:nth-of-type(2)') && [...document.querySelectorAll('#view h3')].some(h => h.textContent.startsWith('Records with key \"k-browser\"'))").asBoolean());
            assertThat(page.evaluate("document.querySelector('#records-table').textContent").asText())
                    .contains("{\"hello\": \"console\"}");
        }
    }

    @Test
    void theOffsetResetShowsAPreviewBeforeApplying() throws Exception {
        try (DevToolsPage page = chromium.openPage(busbar.url() + "/console/#groups/reporting")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> page.evaluate("document.querySelector('#reset-preview') !== null").asBoolean());
            set(page, "reset.to", "offset");
            set(page, "reset.value", "4");
            page.evaluate("document.querySelector('#reset-preview').click()");
            await().atMost(Duration.ofSeconds(30)).until(() -> page.evaluate("document.querySelector('#reset-apply') !== null").asBoolean());
            assertThat(page.evaluate("document.querySelector('#reset-table [data-field=current]').textContent").asText()).isEqualTo("10");
            assertThat(page.evaluate("document.querySelector('#reset-table [data-field=new]').textContent").asText()).isEqualTo("4");
            assertThat(committed("reporting")).as("a preview moves nothing").isEqualTo(10);
            page.evaluate("document.querySelector('#reset-apply').click()");
            await().atMost(Duration.ofSeconds(30)).until(() -> committed("reporting") == 4);
        }
    }

    private static long committed(String group) throws Exception {
        return busbar.get("/api/groups/" + group).path("partitions").path(0).path("committedOffset").asLong();
    }

    /** Sets a console form field the way typing does (the value lands in the console's form state). */
    private static void set(DevToolsPage page, String name, String value) throws Exception {
        page.evaluate("(() => { const el = document.querySelector('[data-form=\"" + name + "\"]'); el.value = "
                + Json.MAPPER.writeValueAsString(value) + "; el.dispatchEvent(new Event('change')); return true; })()");
    }

    private static Set<String> attributes(String dom, String attribute) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile(attribute + "=\"([^\"]+)\"").matcher(dom);
        while (m.find()) {
            out.add(unescape(m.group(1)));
        }
        return out;
    }

    private static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static String page(String hash) throws Exception {
        String dom = chromium.dumpDom(busbar.url() + "/console/" + hash, 5000);
        assertThat(dom).as("rendered by console.js").contains("data-rendered=");
        assertThat(dom).as("no error banner").contains("class=\"error-banner\" hidden");
        assertThat(dom).doesNotContain("NaN", "undefined");
        return dom;
    }

    private static Path screenshot(String hash, String name, int width, int height) throws Exception {
        Path png = ConsoleBrowserTest.SCREENSHOTS.resolve(name);
        chromium.screenshot(busbar.url() + "/console/" + hash, png, width, height, 5000);
        return png;
    }

    /** The PNG decodes, shows the console's dark header, and is not blank: many colours. */
    private static void assertRendered(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("decodable PNG " + png).isNotNull();
        assertThat(image.getRGB(3, 3) & 0xFFFFFF).as("header colour #1d2330").isEqualTo(0x1D2330);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        assertThat(colours.size()).as("distinct colours in " + png).isGreaterThan(20);
    }
}
