package io.busbar.routes.http;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throw-away certificate authorities and server certificates made with the JDK's keytool in a directory: a PKCS12
 * key store per server (password {@link #PASSWORD}) signed by its CA, the same key and chain as PEM files, and an
 * {@link SSLContext} for a client that trusts one CA.
 */
final class TestTls {

    static final String PASSWORD = "test-secret";

    private final Path dir;

    TestTls(Path dir) {
        this.dir = dir;
    }

    /** A CA {@code <name>.p12} with its certificate in {@code <name>.pem}. */
    Path ca(String name) throws Exception {
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "bc:c", "-validity", "2", "-keystore", name + ".p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", name + ".p12", "-storepass", PASSWORD, "-file", name + ".pem");
        return dir.resolve(name + ".pem");
    }

    /** A server key store {@code <name>.p12} signed by {@code ca}, for the subject alternative names {@code san}. */
    Path server(String name, String ca, String san) throws Exception {
        String ks = name + ".p12";
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-keystore", ks, "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-certreq", "-alias", name, "-keystore", ks, "-storepass", PASSWORD, "-file", name + ".csr");
        keytool("-gencert", "-alias", ca, "-keystore", ca + ".p12", "-storepass", PASSWORD, "-infile", name + ".csr",
                "-outfile", name + ".crt", "-rfc", "-validity", "2", "-ext", "san=" + san);
        keytool("-importcert", "-noprompt", "-alias", ca, "-file", ca + ".pem", "-keystore", ks, "-storepass", PASSWORD);
        keytool("-importcert", "-alias", name, "-file", name + ".crt", "-keystore", ks, "-storepass", PASSWORD);
        return dir.resolve(ks);
    }

    /** The key store's key as a PKCS#8 PEM file and its chain as a PEM file: {cert, key}. */
    Path[] pem(Path keystore, String alias) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Key key = ks.getKey(alias, PASSWORD.toCharArray());
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        StringBuilder chain = new StringBuilder();
        for (Certificate c : ks.getCertificateChain(alias)) {
            chain.append("-----BEGIN CERTIFICATE-----\n").append(b64.encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        Path cert = Files.writeString(dir.resolve(alias + "-chain.pem"), chain);
        Path keyFile = Files.writeString(dir.resolve(alias + "-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + b64.encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        return new Path[] {cert, keyFile};
    }

    /** A client TLS context that trusts only this CA certificate. */
    static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
