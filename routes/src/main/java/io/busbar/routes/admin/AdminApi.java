package io.busbar.routes.admin;

import io.busbar.bus.Bus;
import io.busbar.bus.GroupNotEmptyException;
import io.busbar.bus.InvalidConfigException;
import io.busbar.bus.InvalidTopicException;
import io.busbar.bus.OffsetOutOfRangeException;
import io.busbar.bus.RecordTooLargeException;
import io.busbar.bus.TopicExistsException;
import io.busbar.bus.UnknownGroupException;
import io.busbar.bus.UnknownTopicException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The admin API's routes: method + path pattern ({@code /api/topics/{name}}) → operation. Transport-free, so the
 * HTTP server and the CLI's {@code --data-dir} mode answer exactly the same way. Failures become JSON errors
 * {@code {"error": "...", "status": n}} with the status of their kind. Thread-safe once built.
 */
public final class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);

    private record Route(String method, String[] segments, Function<ApiRequest, ApiResponse> handler) { }

    /** A JSON error body. */
    public record ApiError(String error, int status) { }

    private final List<Route> routes = new ArrayList<>();

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
        api.add("GET", "/api/topics/{topic}/records", r -> ApiResponse.ok(records.read(r.pathParam("topic"), r)));
        api.add("POST", "/api/topics/{topic}/records", r -> ApiResponse.ok(records.produce(r.pathParam("topic"), r.body())));
        api.add("GET", "/api/topics/{topic}/search", r -> ApiResponse.ok(browser.findByKey(r.pathParam("topic"), r)));
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

    public AdminApi add(String method, String pattern, Function<ApiRequest, ApiResponse> handler) {
        routes.add(new Route(method, pattern.substring(1).split("/"), handler));
        return this;
    }

    /** Answers a request; never throws. */
    public ApiResponse handle(ApiRequest request) {
        String path = request.path().replaceAll("/+$", "");
        if (!path.startsWith("/")) {
            return error(404, "No admin API path '" + request.path() + "': see /openapi.yaml for the paths");
        }
        String[] parts = path.substring(1).split("/");
        boolean pathKnown = false;
        for (Route route : routes) {
            Map<String, String> params = match(route.segments(), parts);
            if (params == null) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(request.method())) {
                return invoke(route, request.withPathParams(params));
            }
        }
        if (pathKnown) {
            return error(405, "Method " + request.method() + " is not allowed on " + request.path()
                    + ": see /openapi.yaml for the operations of each path");
        }
        return error(404, "No admin API path " + request.path() + ": see /openapi.yaml for the paths");
    }

    private static ApiResponse invoke(Route route, ApiRequest request) {
        String topic = request.pathParam("topic");
        String pipeline = request.pathParam("pipeline");
        if (topic != null) {
            MDC.put("busbar.topic", topic);
        }
        if (pipeline != null) {
            MDC.put("busbar.pipeline", pipeline);
        }
        try {
            return route.handler().apply(request);
        } catch (AdminRequestException e) {
            return error(e.status(), e.getMessage());
        } catch (UnknownTopicException | UnknownGroupException e) {
            return error(404, e.getMessage());
        } catch (TopicExistsException | GroupNotEmptyException e) {
            return error(409, e.getMessage());
        } catch (InvalidTopicException | InvalidConfigException | RecordTooLargeException
                 | OffsetOutOfRangeException | IllegalArgumentException e) {
            return error(400, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Admin request {} {} failed", request.method(), request.path(), e);
            return error(500, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            MDC.remove("busbar.topic");
            MDC.remove("busbar.pipeline");
        }
    }

    static ApiResponse error(int status, String message) {
        return new ApiResponse(status, new ApiError(message, status));
    }

    private static Map<String, String> match(String[] pattern, String[] parts) {
        if (pattern.length != parts.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), parts[i]);
            } else if (!p.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }
}
