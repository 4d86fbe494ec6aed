package io.busbar.kafka.security;

import io.busbar.bus.InvalidConfigException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;

/**
 * Builds the server-side TLS context of the SSL listeners from {@link TlsSettings}: the JDK's TLS (SSLEngine) through
 * Netty's SslContext, TLS 1.2 and 1.3 only. Stateless.
 */
public final class TlsContexts {

    private TlsContexts() {
    }

    public static SslContext server(TlsSettings s) {
        if (!s.hasKeystore()) {
            throw new InvalidConfigException("An SSL or SASL_SSL Kafka listener needs " + TlsSettings.KEYSTORE_LOCATION
                    + " (a PKCS12/JKS key store, or a PEM file with the key and certificate chain)");
        }
        try {
            SslContextBuilder b;
            if (s.keystoreType().equals("PEM")) {
                File pem = existing(TlsSettings.KEYSTORE_LOCATION, s.keystoreLocation());
                b = SslContextBuilder.forServer(pem, pem, s.keyPassword());
            } else {
                KeyStore ks = load(TlsSettings.KEYSTORE_LOCATION, s.keystoreLocation(), s.keystoreType(), s.keystorePassword());
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String keyPassword = s.keyPassword() != null ? s.keyPassword() : s.keystorePassword();
                kmf.init(ks, keyPassword == null ? new char[0] : keyPassword.toCharArray());
                b = SslContextBuilder.forServer(kmf);
            }
            if (s.truststoreLocation() != null) {
                if (s.truststoreType().equals("PEM")) {
                    b.trustManager(existing(TlsSettings.TRUSTSTORE_LOCATION, s.truststoreLocation()));
                } else {
                    KeyStore ts = load(TlsSettings.TRUSTSTORE_LOCATION, s.truststoreLocation(), s.truststoreType(),
                            s.truststorePassword());
                    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(ts);
                    b.trustManager(tmf);
                }
            }
            b.clientAuth(switch (s.clientAuth()) {
                case NONE -> ClientAuth.NONE;
                case REQUESTED -> ClientAuth.OPTIONAL;
                case REQUIRED -> ClientAuth.REQUIRE;
            });
            return b.sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2").build();
        } catch (InvalidConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidConfigException("Cannot build the Kafka listener's TLS context from " + s + ": " + e.getMessage()
                    + " (check " + TlsSettings.KEYSTORE_LOCATION + ", its type and password)", e);
        }
    }

    private static File existing(String key, String location) {
        Path p = Path.of(location);
        if (!Files.isReadable(p)) {
            throw new InvalidConfigException(key + " = '" + location + "' is not a readable file");
        }
        return p.toFile();
    }

    private static KeyStore load(String key, String location, String type, String password) throws Exception {
        File f = existing(key, location);
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(f.toPath())) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }
}
