package io.busbar.routes.admin;

/**
 * What a kamelet of a pipeline connects the bus to, from its resolved parameters: the outside thing (a folder, a
 * table, an HTTP endpoint or URL), whether data flows in from it (source) or out to it (sink), and the topic and
 * group on the bus side. Busbar's own kamelets are known by name (defaults as in their kamelet YAML); any other
 * kamelet is one node named after it.
 */
record KameletEnd(String name, String type, String label, boolean source, String topic, String group) {

    static KameletEnd of(EndpointUri uri, boolean usedAsFrom) {
        String name = uri.path();
        String topic = uri.param("topic");
        String group = uri.param("groupId");
        return switch (name) {
            case "file-source" -> new KameletEnd(name, "folder", "folder " + uri.param("directory"), true, topic, null);
            case "file-sink" -> new KameletEnd(name, "folder", "folder " + uri.param("directory"), false, topic, group);
            case "jdbc-source" -> new KameletEnd(name, "table", table(uri, uri.param("table") != null
                    ? "table " + uri.param("table") : "query"), true, topic, null);
            case "jdbc-sink" -> new KameletEnd(name, "table", table(uri, "table " + uri.param("table")), false, topic, group);
            case "http-source" -> new KameletEnd(name, "http", "HTTP POST http://" + or(uri.param("host"), "127.0.0.1")
                    + ":" + or(uri.param("port"), "8080") + "/" + or(uri.param("path"), "")
                    + (topic == null ? "topics/<topic>" : ""), true, topic, null);
            case "http-sink" -> new KameletEnd(name, "url", "HTTP " + or(uri.param("method"), "POST") + " "
                    + EndpointUri.masked(uri.param("url")), false, topic, group);
            default -> new KameletEnd(name, "kamelet", "kamelet " + name, usedAsFrom, topic, group);
        };
    }

    private static String table(EndpointUri uri, String what) {
        String url = uri.param("jdbcUrl");
        return url == null ? what : what + " @ " + EndpointUri.masked(url);
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }

    /** Consumes a topic with a group (file-sink, jdbc-sink): the bus side is an input of the pipeline. */
    boolean consumesTopic() {
        return !source && topic != null && group != null;
    }
}
