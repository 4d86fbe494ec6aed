package io.busbar.kafka.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA and certificates signed by it, made with the JDK's keytool in a temporary directory: PKCS12 key
 * stores (password {@link #PASSWORD}), a PKCS12 trust store with the CA, and the CA as PEM.
 */
public final class TestCertificates {

    public static final String PASSWORD = "test-secret";

    private static TestCertificates shared;

    private final Path dir;
    private final java.util.Map<String, Path> keystores = new java.util.HashMap<>();

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * One CA and its key stores for the whole test JVM (keytool runs are slow on a loaded machine): {@code ignored}
     * is kept for the callers' symmetry with a per-test directory. Key stores are made once per name.
     */
    public static synchronized TestCertificates create(Path ignored) throws IOException, InterruptedException {
        if (shared == null) {
            Path dir = java.nio.file.Files.createTempDirectory("busbar-test-certs");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = java.nio.file.Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    // a temp directory left behind is harmless
                }
            }));
            shared = make(dir);
        }
        return shared;
    }

    /** Makes the CA ({@code ca.p12}, {@code ca.pem}) and the trust store ({@code truststore.p12}). */
    private static TestCertificates make(Path dir) throws IOException, InterruptedException {
        TestCertificates c = new TestCertificates(dir);
        c.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Busbar Test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        c.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-file", "ca.pem");
        c.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "truststore.p12",
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        return c;
    }

    /**
     * A key store {@code <name>.p12} with a key pair for {@code dname}, signed by the CA, with the given subject
     * alternative names (e.g. {@code dns:localhost,ip:127.0.0.1}; null for none).
     */
    public synchronized Path keystore(String name, String dname, String san) throws IOException, InterruptedException {
        Path made = keystores.get(name);
        if (made != null) {
            return made;
        }
        String ks = name + ".p12";
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "2", "-keystore", ks, "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-certreq", "-alias", name, "-keystore", ks, "-storepass", PASSWORD, "-file", name + ".csr");
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass",
                PASSWORD, "-infile", name + ".csr", "-outfile", name + ".crt", "-rfc", "-validity", "2"));
        if (san != null) {
            sign.addAll(List.of("-ext", "san=" + san));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", ks, "-storepass", PASSWORD);
        keytool("-importcert", "-alias", name, "-file", name + ".crt", "-keystore", ks, "-storepass", PASSWORD);
        keystores.put(name, dir.resolve(ks));
        return dir.resolve(ks);
    }

    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
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
