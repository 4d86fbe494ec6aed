package io.busbar.routes.admin.bench;

import io.busbar.routes.admin.RunningBusbar;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark of the web console on a big bus (docs/performance.md "Console"): a runtime with {@code bench.pipelines}
 * pipelines (each consumes its own topic with its own group, branches on a choice and writes two topics) and
 * unused topics up to {@code bench.topics} in all. Measures, over loopback HTTP, each call a console page makes
 * (static files, metrics history, flow map, topics, groups, pipelines, dead letters) and the page loads as the sum
 * of their calls made one after the other (a browser makes some in parallel: this is the upper bound). Fails when a
 * page load's p95 is 1 s or more.
 *
 * <pre>mvn -B -q -pl routes -am verify -Pbench-console -DskipTests</pre>
 * Options: {@code -Dbench.topics=200}, {@code -Dbench.pipelines=50}, {@code -Dbench.rounds=30}.
 */
public final class ConsoleBench {

    private static final List<String> STATIC = List.of("/console/", "/console/console.js", "/console/graph.js",
            "/console/console.css");

    public static void main(String[] args) throws Exception {
        int topics = Integer.getInteger("bench.topics", 200);
        int pipelines = Integer.getInteger("bench.pipelines", 50);
        int rounds = Integer.getInteger("bench.rounds", 30);
        Path dir = Files.createTempDirectory("console-bench");
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < pipelines; i++) {
            files.put("p" + i + ".yaml", """
                    - route:
                        id: pipeline-%1$d
                        from:
                          uri: bus:in-%1$d
                          parameters: {groupId: group-%1$d}
                          steps:
                            - choice:
                                when:
                                  - simple: "${body} contains 'vip'"
                                    steps:
                                      - to: bus:vip-%1$d
                                otherwise:
                                  steps:
                                    - setBody:
                                        simple: "seen ${body}"
                                    - to: bus:out-%1$d
                    """.formatted(i));
        }
        try (RunningBusbar busbar = RunningBusbar.start(dir, files, Map.of())) {
            for (int i = 0; i < pipelines; i++) {
                busbar.post("/api/topics/in-" + i + "/records", "{\"records\": [{\"value\": \"a\"}, {\"value\": \"vip b\"}]}");
            }
            int existing = busbar.get("/api/topics").size();
            for (int i = existing; i < topics; i++) {
                busbar.send("POST", "/api/topics", "{\"name\": \"idle-" + i + "\", \"partitions\": 3}");
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (busbar.get("/api/topics").size() < topics && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            int nodes = busbar.get("/api/flows").path("nodes").size();
            System.out.printf("Console bench: %d topics, %d pipelines, %d groups, %d flow-map nodes, %d rounds%n",
                    busbar.get("/api/topics").size(), busbar.get("/api/pipelines").size(), busbar.get("/api/groups").size(),
                    nodes, rounds);

            Map<String, List<String>> pages = new LinkedHashMap<>();
            pages.put("flow map page", concat(STATIC, List.of("/api/metrics/history?since=0", "/api/flows")));
            pages.put("topics page", concat(STATIC, List.of("/api/metrics/history?since=0", "/api/topics",
                    "/api/topics/in-7", "/api/topics/in-7/records?from=recent&limit=50")));
            pages.put("groups page", concat(STATIC, List.of("/api/metrics/history?since=0", "/api/groups", "/api/groups/group-7")));
            pages.put("pipelines page", concat(STATIC, List.of("/api/metrics/history?since=0", "/api/pipelines", "/api/dlq")));
            Map<String, List<Long>> perCall = new LinkedHashMap<>();
            Map<String, List<Long>> perPage = new LinkedHashMap<>();
            for (int round = 0; round < rounds + 3; round++) { // 3 warm-up rounds
                for (Map.Entry<String, List<String>> page : pages.entrySet()) {
                    long pageNanos = 0;
                    for (String call : page.getValue()) {
                        long start = System.nanoTime();
                        HttpResponse<String> r = busbar.send("GET", call, null);
                        long took = System.nanoTime() - start;
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException(call + " answered " + r.statusCode() + ": " + r.body());
                        }
                        pageNanos += took;
                        if (round >= 3) {
                            perCall.computeIfAbsent(call, k -> new ArrayList<>()).add(took);
                        }
                    }
                    if (round >= 3) {
                        perPage.computeIfAbsent(page.getKey(), k -> new ArrayList<>()).add(pageNanos);
                    }
                }
            }
            System.out.printf("%-45s %8s %8s %8s%n", "call (ms)", "median", "p95", "max");
            perCall.forEach((call, t) -> print(call, t));
            System.out.printf("%-45s %8s %8s %8s%n", "page load, calls one after the other (ms)", "median", "p95", "max");
            List<String> slow = new ArrayList<>();
            perPage.forEach((page, t) -> {
                print(page, t);
                if (percentile(t, 0.95) >= TimeUnit.SECONDS.toNanos(1)) {
                    slow.add(page);
                }
            });
            if (!slow.isEmpty()) {
                throw new IllegalStateException("Console pages at or over 1 s (p95): " + slow);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void print(String what, List<Long> nanos) {
        System.out.printf("%-45s %8.1f %8.1f %8.1f%n", what, percentile(nanos, 0.5) / 1e6, percentile(nanos, 0.95) / 1e6,
                Collections.max(nanos) / 1e6);
    }

    private static long percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
