package io.busbar.routes.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The options every administration command shares: where Busbar is ({@code --url} of a running runtime, or
 * {@code --data-dir} of a stopped one), the token, and JSON output.
 */
public final class AdminTarget {

    static final String DEFAULT_URL = "http://127.0.0.1:8180";

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:BUSBAR_URL}",
            description = "Admin API of a running Busbar (default http://127.0.0.1:8180, or env BUSBAR_URL).")
    String url;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Work directly on the data directory of a stopped Busbar (opens the embedded bus).")
    Path dataDir;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:BUSBAR_ADMIN_TOKEN}",
            description = "Bearer token with the scope the command needs, usually admin (busbar tokens add), default env BUSBAR_ADMIN_TOKEN.")
    String token;

    @Option(names = "--ca-cert", paramLabel = "FILE", defaultValue = "${env:BUSBAR_CA_CERT}",
            description = "PEM CA certificate(s) to trust for an https:// --url (busbar.http.tls.*), default env"
                    + " BUSBAR_CA_CERT; without it the JDK's trusted CAs.")
    Path caCert;

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;

    AdminClient connect() {
        if (dataDir != null) {
            if (url != null && !url.isBlank() && System.getenv("BUSBAR_URL") == null) {
                throw new AdminCallException(0, "Give either --url or --data-dir, not both");
            }
            return new LocalAdminClient(dataDir);
        }
        return new HttpAdminClient(url == null || url.isBlank() ? DEFAULT_URL : url, token, caCert);
    }
}
