package io.busbar.connectors.http.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one bearer-token check of every Busbar HTTP listener: finds the {@link Principal} of an
 * {@code Authorization: Bearer <token>} header among the hashed {@link TokenStore} and the plain tokens of older
 * settings ({@code busbar.admin.token}, {@code busbar.http.tokens}, a kamelet's {@code tokens}), which are hashed
 * in memory at start and compared in constant time. With no token configured at all, every request is let in as
 * {@link Principal#LOOPBACK_WITHOUT_TOKENS} (listeners then bind loopback only). Thread-safe.
 */
public final class Authenticator {

    private static final String BEARER = "Bearer ";

    /** A token given in clear in a setting, with the scopes it stands for. */
    private record PlainToken(byte[] sha256, Principal principal) { }

    private final TokenStore store;
    private final List<PlainToken> plain;
    private final String hint;

    private Authenticator(TokenStore store, List<PlainToken> plain, String hint) {
        this.store = store;
        this.plain = List.copyOf(plain);
        this.hint = hint;
    }

    /** Starts a builder over a token store (null for none). */
    public static Builder builder(TokenStore store) {
        return new Builder(store);
    }

    /** Whether requests need a token: some token is configured (the store is reread when it changes). */
    public boolean required() {
        return !plain.isEmpty() || (store != null && !store.isEmpty());
    }

    /**
     * The principal of a request, or {@link HttpRequestRejectedException} 401 without a token or with an unknown one.
     */
    public Principal authenticate(String authorizationHeader) {
        if (!required()) {
            return Principal.LOOPBACK_WITHOUT_TOKENS;
        }
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new HttpRequestRejectedException(HttpProblem.UNAUTHORIZED,
                    "A bearer token is required: send the header 'Authorization: Bearer <token>' " + hint);
        }
        String presented = authorizationHeader.substring(BEARER.length()).trim();
        Principal found = store == null ? null : store.authenticate(presented);
        if (found != null) {
            return found;
        }
        byte[] digest = sha256(presented);
        for (PlainToken t : plain) {
            // every configured token is compared, so timing tells nothing about which one nearly matched
            if (MessageDigest.isEqual(t.sha256(), digest) && found == null) {
                found = t.principal();
            }
        }
        if (found == null) {
            throw new HttpRequestRejectedException(HttpProblem.UNAUTHORIZED,
                    "The bearer token is not valid: use a token issued by 'busbar tokens add' " + hint);
        }
        return found;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Collects the configured tokens. Not thread-safe; build once. */
    public static final class Builder {
        private final TokenStore store;
        private final List<PlainToken> plain = new ArrayList<>();
        private final List<String> sources = new ArrayList<>();

        private Builder(TokenStore store) {
            this.store = store;
        }

        /** Plain tokens, comma-separated, standing for {@code scopes}; {@code source} names the setting. */
        public Builder plainTokens(String source, String commaSeparated, List<Scope> scopes) {
            if (commaSeparated == null) {
                return this;
            }
            Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .forEach(t -> add(source, t, scopes));
            return this;
        }

        /** Plain tokens, one per line of a file (blank lines and # comments ignored), read now. */
        public Builder plainTokenFile(String source, String file, List<Scope> scopes) {
            if (file == null || file.isBlank()) {
                return this;
            }
            try {
                for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                    String token = line.trim();
                    if (!token.isEmpty() && !token.startsWith("#")) {
                        add(source, token, scopes);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the HTTP token file " + file + " (" + e.getMessage()
                        + "): create it with one token per line, or unset " + source, e);
            }
            return this;
        }

        private void add(String source, String token, List<Scope> scopes) {
            plain.add(new PlainToken(sha256(token), new Principal(source, scopes)));
            if (!sources.contains(source)) {
                sources.add(source);
            }
        }

        public Authenticator build() {
            List<String> where = new ArrayList<>();
            if (store != null) {
                where.add("busbar tokens add, stored in " + store.file());
            }
            where.addAll(sources);
            return new Authenticator(store, plain, "(tokens come from " + String.join(", ", where) + ")");
        }
    }
}
