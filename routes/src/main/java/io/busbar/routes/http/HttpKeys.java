package io.busbar.routes.http;

import io.busbar.routes.ConfigKey;

import java.util.List;

/**
 * Settings shared by every HTTP listener of the runtime (admin API, console, metrics, ingest and read API): the
 * token store, the plain tokens of older settings, and HTTPS. Part of {@link io.busbar.routes.RuntimeKeys#ALL}, so
 * every service reads the same ones. docs/security.md explains them.
 */
public final class HttpKeys {

    public static final ConfigKey TOKEN_STORE = ConfigKey.string("busbar.http.token.store", null,
            "File of the hashed HTTP tokens that busbar tokens add writes (default <busbar.data.dir>/http-tokens);"
                    + " reread when it changes.");

    public static final ConfigKey ADMIN_TOKEN = ConfigKey.string("busbar.admin.token", null,
            "A plain bearer token with the admin scope (prefer busbar tokens add, which stores only a hash). With any"
                    + " token configured, every HTTP endpoint but /health, /ready, /openapi.yaml and the console's files"
                    + " needs one.");

    public static final ConfigKey HTTP_TOKENS = new ConfigKey("busbar.http.tokens", "", "comma-separated tokens",
            "Plain bearer tokens with the scopes read:* and write:* (prefer busbar tokens add)", v -> true);

    public static final ConfigKey HTTP_TOKENS_FILE = new ConfigKey("busbar.http.tokens.file", "", "a file path",
            "File with one plain bearer token per line (scopes read:* and write:*), read at start", v -> true);

    public static final ConfigKey TLS_CERT = ConfigKey.string("busbar.http.tls.cert", null,
            "PEM certificate chain (server certificate first) of the HTTPS listeners; with busbar.http.tls.key.");

    public static final ConfigKey TLS_KEY = ConfigKey.string("busbar.http.tls.key", null,
            "PEM private key (PKCS#8, optionally encrypted) of busbar.http.tls.cert.");

    public static final ConfigKey TLS_KEY_PASSWORD = ConfigKey.string("busbar.http.tls.key.password", null,
            "Password of an encrypted busbar.http.tls.key; ${env:NAME} or ${file:/path} keeps it out of the file.");

    public static final ConfigKey TLS_KEYSTORE = ConfigKey.string("busbar.http.tls.keystore", null,
            "PKCS12 key store with the HTTPS listeners' key and certificate chain (instead of the PEM files).");

    public static final ConfigKey TLS_KEYSTORE_PASSWORD = ConfigKey.string("busbar.http.tls.keystore.password", null,
            "Password of busbar.http.tls.keystore; ${env:NAME} or ${file:/path}.");

    public static final List<ConfigKey> ALL = List.of(TOKEN_STORE, ADMIN_TOKEN, HTTP_TOKENS, HTTP_TOKENS_FILE, TLS_CERT,
            TLS_KEY, TLS_KEY_PASSWORD, TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD);

    private HttpKeys() {
    }
}
