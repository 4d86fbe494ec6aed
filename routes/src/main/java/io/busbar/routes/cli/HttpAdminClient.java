package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.busbar.routes.admin.Json;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** The admin API of a running runtime, over HTTP or HTTPS (java.net.http). */
final class HttpAdminClient implements AdminClient {

    private final String baseUrl;
    private final String token;
    private final HttpClient http;

    /** @param caCert PEM CA certificates to trust for HTTPS, or null for the JDK's */
    HttpAdminClient(String baseUrl, String token, Path caCert) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (caCert != null) {
            b.sslContext(trusting(caCert));
        }
        this.http = b.build();
    }

    /** A TLS context trusting only the CA certificates of a PEM file (host names are still verified). */
    private static SSLContext trusting(Path caCert) {
        try (InputStream in = Files.newInputStream(caCert)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, c);
            }
            if (n == 0) {
                throw new AdminCallException(0, "--ca-cert " + caCert + " holds no PEM certificate: give the CA's certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new AdminCallException(0, "Cannot read --ca-cert " + caCert + ": " + e.getMessage());
        }
    }

    @Override
    public JsonNode call(String method, String path, Map<String, String> query, JsonNode body) {
        String q = query == null || query.isEmpty() ? "" : "?" + query.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        URI uri = URI.create(baseUrl + path + q);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new AdminCallException(0, "Cannot reach Busbar at " + baseUrl + ": start it (busbar run), fix --url,"
                    + " or work on a stopped data directory with --data-dir");
        } catch (javax.net.ssl.SSLException e) {
            throw new AdminCallException(0, "TLS with " + baseUrl + " failed (" + e.getMessage() + "): give the CA of"
                    + " Busbar's certificate with --ca-cert FILE, and a --url host name the certificate names");
        } catch (IOException e) {
            throw new AdminCallException(0, "Call to " + uri + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminCallException(0, "Interrupted while calling " + uri);
        }
        return parse(response);
    }

    private static JsonNode parse(HttpResponse<String> response) {
        JsonNode json;
        try {
            json = response.body().isEmpty() ? MissingNode.getInstance() : Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AdminCallException(response.statusCode(), "Answer of " + response.uri() + " is not JSON (HTTP "
                    + response.statusCode() + "): is --url the Busbar admin address?");
        }
        if (response.statusCode() >= 400) {
            throw new AdminCallException(response.statusCode(), json.path("detail").asText("HTTP " + response.statusCode()));
        }
        return json;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String target() {
        return baseUrl;
    }

    @Override
    public void close() {
        // java.net.http.HttpClient holds no resource we must release on Java 17
    }
}
