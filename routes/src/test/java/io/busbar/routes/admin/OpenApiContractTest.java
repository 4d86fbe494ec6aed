package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/openapi.yaml against a real OpenAPI parser (swagger-parser), and the admin API's answers against it: every
 * field of a JSON answer is declared in the response schema with the declared type.
 */
class OpenApiContractTest {

    private static final Path SPEC = Path.of("../docs/openapi.yaml");

    @TempDir
    static Path dir;

    static RunningBusbar busbar;
    static OpenAPI api;

    @BeforeAll
    static void start() throws Exception {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(Files.readString(SPEC), null, options);
        assertThat(parsed.getMessages()).as("OpenAPI parser messages for " + SPEC).isEmpty();
        api = parsed.getOpenAPI();
        busbar = RunningBusbar.start(dir, RunningBusbar.SAMPLE_PIPELINES, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (busbar != null) {
            busbar.close();
        }
    }

    @Test
    void theDocumentIsValidOpenApi() {
        assertThat(api.getOpenapi()).startsWith("3.");
        assertThat(api.getPaths()).containsKeys("/api/topics", "/api/topics/{topic}/records", "/api/dlq/{topic}/replay",
                "/api/pipelines", "/api/groups");
    }

    @Test
    void everyGetAnswerMatchesItsSchema() throws Exception {
        busbar.post("/api/topics/payments/records", "{\"records\": [{\"key\": \"p1\", \"value\": \"bad payment\"}]}");
        await().atMost(Duration.ofSeconds(30)).until(() -> busbar.get("/api/dlq/payments").path("records").size() > 0
                && busbar.get("/api/pipelines/billing").path("exchanges").asLong() > 0);
        Map<String, String> calls = new LinkedHashMap<>();
        calls.put("/api/topics", "/api/topics");
        calls.put("/api/topics/{topic}", "/api/topics/orders");
        calls.put("/api/topics/{topic}/records", "/api/topics/orders/records?limit=3");
        calls.put("/api/groups", "/api/groups");
        calls.put("/api/groups/{group}", "/api/groups/billing");
        calls.put("/api/pipelines", "/api/pipelines");
        calls.put("/api/pipelines/{pipeline}", "/api/pipelines/billing");
        calls.put("/api/sources", "/api/sources");
        calls.put("/api/dlq", "/api/dlq");
        calls.put("/api/dlq/{topic}", "/api/dlq/payments");
        calls.put("/api/flows", "/api/flows");
        calls.put("/api/topics/{topic}/search", "/api/topics/payments/search?key=p1");
        calls.put("/api/metrics/history", "/api/metrics/history");
        List<String> problems = new ArrayList<>();
        calls.forEach((path, call) -> {
            assertThat(api.getPaths()).as("spec path").containsKey(path);
            Schema<?> schema = api.getPaths().get(path).getGet().getResponses().get("200").getContent()
                    .get("application/json").getSchema();
            try {
                check(busbar.get(call), schema, call, problems);
            } catch (Exception e) {
                throw new IllegalStateException(call, e);
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void anOffsetResetPreviewMatchesItsSchema() throws Exception {
        String call = "/api/groups/billing/reset-offsets";
        Schema<?> schema = api.getPaths().get("/api/groups/{group}/reset-offsets").getPost().getResponses().get("200")
                .getContent().get("application/json").getSchema();
        List<String> problems = new ArrayList<>();
        JsonNode preview = busbar.post(call, "{\"topic\": \"orders\", \"to\": \"earliest\", \"dryRun\": true}");
        check(preview, schema, call, problems);
        assertThat(problems).isEmpty();
        assertThat(preview.path("partitions")).hasSize(2);
    }

    /** Declared fields only, each with its declared JSON type (null allowed where the schema says nullable). */
    private static void check(JsonNode value, Schema<?> schema, String at, List<String> problems) {
        if (schema == null) {
            return;
        }
        if (value.isNull()) {
            if (!Boolean.TRUE.equals(schema.getNullable())) {
                problems.add(at + ": null where the schema says " + schema.getType());
            }
            return;
        }
        String type = schema.getType();
        if (type == null && schema.getProperties() != null) {
            type = "object";
        }
        if (type == null) {
            return;
        }
        boolean ok = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!ok) {
            problems.add(at + ": " + value.getNodeType() + " where the schema says " + type);
            return;
        }
        if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), schema.getItems(), at + "[" + i + "]", problems);
            }
        } else if (value.isObject() && schema.getProperties() != null) {
            value.fields().forEachRemaining(e -> {
                Schema<?> property = schema.getProperties().get(e.getKey());
                if (property == null) {
                    problems.add(at + "." + e.getKey() + ": not declared in the schema");
                } else {
                    check(e.getValue(), property, at + "." + e.getKey(), problems);
                }
            });
        } else if (value.isObject() && schema.getAdditionalProperties() instanceof Schema<?> each) {
            value.fields().forEachRemaining(e -> check(e.getValue(), each, at + "." + e.getKey(), problems));
        }
    }
}
