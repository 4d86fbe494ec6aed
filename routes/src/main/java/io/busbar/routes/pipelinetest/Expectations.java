package io.busbar.routes.pipelinetest;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.Bus;
import io.busbar.bus.ConsumedRecord;
import io.busbar.connectors.bus.BusConstants;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code expect:} section of a test file, checked against the bus, the file system, a database and the HTTP stubs
 * as they are now: {@code records}, {@code deadLetters}, {@code files}, {@code rows}, {@code httpCalls}. Each check
 * returns what is wrong, one readable line each; the runner checks again until nothing is or the timeout passes.
 */
final class Expectations {
    private static final List<String> SECTIONS = List.of("records", "deadLetters", "files", "rows", "httpCalls");

    private final JsonNode expect;
    private final Bus bus;
    private final StubServers stubs;

    Expectations(JsonNode expect, Bus bus, StubServers stubs) {
        this.expect = expect;
        this.bus = bus;
        this.stubs = stubs;
        expect.fieldNames().forEachRemaining(f -> {
            if (!SECTIONS.contains(f)) {
                throw new io.busbar.routes.InvalidSettingException("expect: has no section '" + f + "': use " + SECTIONS);
            }
        });
    }

    List<String> failures() {
        List<String> failures = new ArrayList<>();
        expect.path("records").forEach(e -> checkTopic(e, false, failures));
        expect.path("deadLetters").forEach(e -> checkTopic(e, true, failures));
        expect.path("files").forEach(e -> checkFiles(e, failures));
        expect.path("rows").forEach(e -> checkRows(e, failures));
        expect.path("httpCalls").forEach(e -> checkHttpCalls(e, failures));
        return failures;
    }

    private void checkTopic(JsonNode e, boolean deadLetters, List<String> failures) {
        String topic = required(e, "topic");
        List<ConsumedRecord> records = TopicReader.readAll(bus, topic);
        String what = (deadLetters ? "dead-letter topic " : "topic ") + topic;
        if (e.has("count") && records.size() != e.get("count").asInt()) {
            failures.add(what + ": expected " + e.get("count").asInt() + " record(s), found " + records.size()
                    + preview(records));
        }
        if (deadLetters && e.has("reason")) {
            String reason = e.get("reason").asText();
            for (ConsumedRecord r : records) {
                String message = String.valueOf(RecordMatcher.header(r, BusConstants.DLQ_EXCEPTION_MESSAGE))
                        + " " + String.valueOf(RecordMatcher.header(r, BusConstants.DLQ_EXCEPTION_CLASS));
                if (!message.contains(reason)) {
                    failures.add(what + ": dead letter at offset " + r.offset() + " has reason \"" + message.trim()
                            + "\", expected it to contain \"" + reason + "\"");
                }
            }
            if (records.isEmpty()) {
                failures.add(what + ": expected dead letters with reason \"" + reason + "\", found none");
            }
        }
        List<ConsumedRecord> unmatched = new ArrayList<>(records);
        for (JsonNode spec : e.path("contains")) {
            RecordMatcher matcher = new RecordMatcher(spec);
            ConsumedRecord hit = null;
            List<String> closest = null;
            for (ConsumedRecord r : unmatched) {
                List<String> diffs = matcher.differences(r);
                if (diffs.isEmpty()) {
                    hit = r;
                    break;
                }
                if (closest == null || diffs.size() < closest.size()) {
                    closest = diffs;
                }
            }
            if (hit != null) {
                unmatched.remove(hit);
            } else {
                failures.add(what + ": no record matches " + matcher + (closest == null ? " (the topic holds none left)"
                        : "; the closest differs in: " + String.join("; ", closest)));
            }
        }
    }

    private void checkFiles(JsonNode e, List<String> failures) {
        Path dir = Path.of(required(e, "dir"));
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + e.path("glob").asText("*"));
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(Files::isRegularFile).filter(p -> glob.matches(p.getFileName())).sorted().forEach(files::add);
            } catch (IOException ex) {
                failures.add("files in " + dir + ": " + ex.getMessage());
                return;
            }
        }
        String what = "files " + e.path("glob").asText("*") + " in " + dir;
        if (e.has("count") && files.size() != e.get("count").asInt()) {
            failures.add(what + ": expected " + e.get("count").asInt() + " file(s), found " + files.size() + " " + names(files));
        }
        List<String> lines = new ArrayList<>();
        for (Path f : files) {
            try {
                lines.addAll(Files.readAllLines(f));
            } catch (IOException ex) {
                failures.add(what + ": cannot read " + f + ": " + ex.getMessage());
            }
        }
        if (e.has("lines") && lines.size() != e.get("lines").asInt()) {
            failures.add(what + ": expected " + e.get("lines").asInt() + " line(s) in all, found " + lines.size());
        }
        for (JsonNode c : e.path("contains")) {
            if (lines.stream().noneMatch(l -> l.contains(c.asText()))) {
                failures.add(what + ": no line contains \"" + c.asText() + "\"" + (files.isEmpty() ? " (no file yet)" : ""));
            }
        }
    }

    private void checkRows(JsonNode e, List<String> failures) {
        String url = required(e, "jdbcUrl");
        String query = required(e, "query");
        List<Map<String, String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, e.path("user").asText(""), e.path("password").asText(""));
             ResultSet rs = c.createStatement().executeQuery(query)) {
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getString(i));
                }
                rows.add(row);
            }
        } catch (SQLException ex) {
            failures.add("rows of '" + query + "': " + ex.getMessage());
            return;
        }
        if (e.has("count") && rows.size() != e.get("count").asInt()) {
            failures.add("rows of '" + query + "': expected " + e.get("count").asInt() + ", found " + rows.size());
        }
        for (JsonNode want : e.path("contains")) {
            boolean found = rows.stream().anyMatch(row -> {
                for (var it = want.fields(); it.hasNext(); ) {
                    var f = it.next();
                    String actual = row.get(f.getKey().toLowerCase(java.util.Locale.ROOT));
                    if (actual == null ? !f.getValue().isNull() : !sameText(f.getValue().asText(), actual)) {
                        return false;
                    }
                }
                return true;
            });
            if (!found) {
                failures.add("rows of '" + query + "': no row matches " + want + "; rows: " + rows);
            }
        }
    }

    private void checkHttpCalls(JsonNode e, List<String> failures) {
        String stub = required(e, "stub");
        List<StubServers.Call> calls = stubs.calls(stub);
        if (e.has("count") && calls.size() != e.get("count").asInt()) {
            failures.add("stub " + stub + ": expected " + e.get("count").asInt() + " call(s), received " + calls.size());
        }
        for (JsonNode c : e.path("bodyContains")) {
            if (calls.stream().noneMatch(call -> call.body().contains(c.asText()))) {
                failures.add("stub " + stub + ": no call's body contains \"" + c.asText() + "\"; bodies: "
                        + calls.stream().map(StubServers.Call::body).limit(5).toList());
            }
        }
    }

    /** Numbers as the database prints them (10.00) equal the test's (10). */
    private static boolean sameText(String expected, String actual) {
        if (expected.equals(actual)) {
            return true;
        }
        try {
            return new java.math.BigDecimal(expected).compareTo(new java.math.BigDecimal(actual)) == 0;
        } catch (NumberFormatException ex) {
            return false;
        }
    }

    static String required(JsonNode e, String field) {
        if (!e.hasNonNull(field)) {
            throw new io.busbar.routes.InvalidSettingException("'" + e + "' needs a " + field + ": (docs/testing.md)");
        }
        return e.get(field).asText();
    }

    private static String preview(List<ConsumedRecord> records) {
        if (records.isEmpty()) {
            return "";
        }
        return "; first: " + records.stream().limit(3).map(ConsumedRecord::valueAsString).toList();
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }
}
