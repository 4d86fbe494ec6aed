package io.busbar.connectors.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bearer tokens a listener accepts, from configuration and/or a file read once at start. With no token
 * configured every request is let in (the listener binds 127.0.0.1 by default). Tokens are compared in constant
 * time so a client cannot guess one byte by byte from response times. Immutable, thread-safe.
 */
final class BearerTokens {

    private static final String PREFIX = "Bearer ";

    private final List<byte[]> tokens;

    private BearerTokens(List<byte[]> tokens) {
        this.tokens = tokens;
    }

    static BearerTokens from(String commaSeparated, String file) {
        List<byte[]> all = new ArrayList<>();
        Arrays.stream(commaSeparated.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .forEach(t -> all.add(t.getBytes(StandardCharsets.UTF_8)));
        if (!file.isBlank()) {
            try {
                for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                    String token = line.trim();
                    if (!token.isEmpty() && !token.startsWith("#")) {
                        all.add(token.getBytes(StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the HTTP token file " + file + " (" + e.getMessage()
                        + "): create it with one token per line, or unset tokensFile", e);
            }
        }
        return new BearerTokens(List.copyOf(all));
    }

    boolean required() {
        return !tokens.isEmpty();
    }

    /** Throws 401 unless no token is required or the {@code Authorization} header carries a known one. */
    void check(String authorizationHeader) {
        if (!required()) {
            return;
        }
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new HttpRequestRejectedException(HttpProblem.UNAUTHORIZED,
                    "A bearer token is required: send the header 'Authorization: Bearer <token>'");
        }
        byte[] presented = authorizationHeader.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (byte[] token : tokens) {
            known |= MessageDigest.isEqual(token, presented);
        }
        if (!known) {
            throw new HttpRequestRejectedException(HttpProblem.UNAUTHORIZED,
                    "The bearer token is not valid: use one of the tokens configured for this listener");
        }
    }
}
