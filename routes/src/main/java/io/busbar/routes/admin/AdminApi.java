package io.busbar.routes.admin;

import io.busbar.bus.Bus;
import io.busbar.connectors.http.server.Access;
import io.busbar.connectors.http.server.HttpRouter;
import io.busbar.connectors.http.server.ProblemDetails;
import io.busbar.connectors.http.server.Problems;
import org.slf4j.MDC;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The admin API's routes: method + path pattern ({@code /api/topics/{topic}}) → the scope it needs and its operation,
 * in the one {@link HttpRouter} of Busbar's HTTP endpoints. Transport-free, so the HTTP listener
 * ({@link AdminRoutes}) and the CLI's {@code --data-dir} mode answer exactly the same way. Failures become RFC 9457
 * problem details with the status of their kind. An endpoint registers with one line:
 * {@code api.add("GET", "/api/things/{thing}", r -> ApiResponse.ok(things.describe(r.pathParam("thing"))))} needs the
 * {@code admin} scope; {@code api.add(method, pattern, Access.read("topic"), handler)} declares another.
 * Thread-safe once built.
 */
public final class AdminApi {

    private final HttpRouter<Function<ApiRequest, ApiResponse>> router = new HttpRouter<>();

    /**
     * The full API on a bus; {@code pipelines} supplies the pipeline operations once Camel is configured, or null
     * (always, for a bus opened without the runtime: pipeline calls then answer 503).
     */
    public static AdminApi over(Bus bus, Supplier<PipelineOperations> pipelines) {
        TopicOperations topics = new TopicOperations(bus.admin());
        GroupOperations groups = new GroupOperations(bus.admin());
        RecordOperations records = new RecordOperations(bus);
        DeadLetterOperations deadLetters = new DeadLetterOperations(bus);
        SourceOperations sources = new SourceOperations(bus);
        TopicBrowserOperations browser = new TopicBrowserOperations(bus);
        AdminApi api = new AdminApi();
        api.add("GET", "/api/topics", r -> ApiResponse.ok(topics.list(Boolean.parseBoolean(r.query("internal", "false")))));
        api.add("POST", "/api/topics", r -> ApiResponse.created(topics.create(r.body())));
        api.add("GET", "/api/topics/{topic}", r -> ApiResponse.ok(topics.describe(r.pathParam("topic"))));
        api.add("DELETE", "/api/topics/{topic}", r -> {
            topics.delete(r.pathParam("topic"));
            return ApiResponse.noContent();
        });
        api.add("GET", "/api/topics/{topic}/records", Access.read("topic"),
                r -> ApiResponse.ok(records.read(r.pathParam("topic"), r)));
        api.add("POST", "/api/topics/{topic}/records", Access.write("topic"),
                r -> ApiResponse.ok(records.produce(r.pathParam("topic"), r.body())));
        api.add("GET", "/api/topics/{topic}/search", Access.read("topic"),
                r -> ApiResponse.ok(browser.findByKey(r.pathParam("topic"), r)));
        api.add("GET", "/api/groups", r -> ApiResponse.ok(groups.list()));
        api.add("GET", "/api/groups/{group}", r -> ApiResponse.ok(groups.describe(r.pathParam("group"))));
        api.add("POST", "/api/groups/{group}/reset-offsets",
                r -> ApiResponse.ok(groups.resetOffsets(r.pathParam("group"), r.body())));
        api.add("DELETE", "/api/groups/{group}", r -> {
            groups.delete(r.pathParam("group"));
            return ApiResponse.noContent();
        });
        api.add("GET", "/api/sources", r -> ApiResponse.ok(sources.list()));
        api.add("GET", "/api/dlq", r -> ApiResponse.ok(deadLetters.list()));
        api.add("GET", "/api/dlq/{topic}", r -> ApiResponse.ok(deadLetters.inspect(r.pathParam("topic"), r)));
        api.add("POST", "/api/dlq/{topic}/replay", r -> ApiResponse.ok(deadLetters.replay(r.pathParam("topic"), r.body())));
        api.add("GET", "/api/pipelines", r -> ApiResponse.ok(require(pipelines.get()).list()));
        api.add("GET", "/api/pipelines/{pipeline}", r -> ApiResponse.ok(require(pipelines.get()).describe(r.pathParam("pipeline"))));
        api.add("POST", "/api/pipelines/{pipeline}/start", r -> ApiResponse.ok(require(pipelines.get()).start(r.pathParam("pipeline"))));
        api.add("POST", "/api/pipelines/{pipeline}/stop", r -> ApiResponse.ok(require(pipelines.get()).stop(r.pathParam("pipeline"))));
        return api;
    }

    private static PipelineOperations require(PipelineOperations pipelines) {
        if (pipelines == null) {
            throw new PipelinesUnavailableException();
        }
        return pipelines;
    }

    /** Adds an endpoint that needs the {@code admin} scope. */
    public AdminApi add(String method, String pattern, Function<ApiRequest, ApiResponse> handler) {
        return add(method, pattern, Access.admin(), handler);
    }

    /** Adds an endpoint that needs what {@code access} declares. */
    public AdminApi add(String method, String pattern, Access access, Function<ApiRequest, ApiResponse> handler) {
        router.add(method, pattern, access, handler);
        return this;
    }

    /** Every endpoint with the scope it needs, for the HTTP listener. */
    public List<HttpRouter.Route<Function<ApiRequest, ApiResponse>>> routes() {
        return router.routes();
    }

    /**
     * Answers a request in-process (the CLI on a stopped data directory, whose user holds the files anyway: no
     * token); never throws.
     */
    public ApiResponse handle(ApiRequest request) {
        try {
            HttpRouter.Match<Function<ApiRequest, ApiResponse>> match = router.match(request.method(), request.path());
            return invoke(match.route().handler(), request.withPathParams(match.params()));
        } catch (RuntimeException e) {
            return problem(Problems.of(e, request.path()));
        }
    }

    /**
     * Runs one operation with its topic or pipeline in the logging context; failures are thrown for the caller's
     * problem mapping.
     */
    static ApiResponse invoke(Function<ApiRequest, ApiResponse> handler, ApiRequest request) {
        String topic = request.pathParam("topic");
        String pipeline = request.pathParam("pipeline");
        if (topic != null) {
            MDC.put("busbar.topic", topic);
        }
        if (pipeline != null) {
            MDC.put("busbar.pipeline", pipeline);
        }
        try {
            return handler.apply(request);
        } finally {
            MDC.remove("busbar.topic");
            MDC.remove("busbar.pipeline");
        }
    }

    /** Problem details as an answer. */
    static ApiResponse problem(ProblemDetails problem) {
        return new ApiResponse(problem.status(), problem.toJson());
    }
}
