package io.busbar.kafka.security;

import io.busbar.bus.InvalidConfigException;

import java.util.Locale;

/**
 * TLS settings of the SSL and SASL_SSL listeners, with Kafka's names under {@code busbar.kafka.}: the key store
 * (PKCS12, JKS, or PEM: one file with the private key and its certificate chain), the trust store that client
 * certificates are checked against, and {@code ssl.client.auth}. Immutable. {@link #toString()} hides passwords.
 */
public record TlsSettings(String keystoreLocation, String keystoreType, String keystorePassword, String keyPassword,
                          String truststoreLocation, String truststoreType, String truststorePassword,
                          ClientAuth clientAuth) {

    public static final String KEYSTORE_LOCATION = "busbar.kafka.ssl.keystore.location";
    public static final String KEYSTORE_TYPE = "busbar.kafka.ssl.keystore.type";
    public static final String KEYSTORE_PASSWORD = "busbar.kafka.ssl.keystore.password";
    public static final String KEY_PASSWORD = "busbar.kafka.ssl.key.password";
    public static final String TRUSTSTORE_LOCATION = "busbar.kafka.ssl.truststore.location";
    public static final String TRUSTSTORE_TYPE = "busbar.kafka.ssl.truststore.type";
    public static final String TRUSTSTORE_PASSWORD = "busbar.kafka.ssl.truststore.password";
    public static final String CLIENT_AUTH = "busbar.kafka.ssl.client.auth";

    /** Kafka's {@code ssl.client.auth}. */
    public enum ClientAuth { NONE, REQUESTED, REQUIRED;

        static ClientAuth parse(String v) {
            try {
                return valueOf(v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(CLIENT_AUTH + " = '" + v + "' is invalid: use none, requested or required");
            }
        }
    }

    public static final TlsSettings NONE = new TlsSettings(null, "PKCS12", null, null, null, "PKCS12", null, ClientAuth.NONE);

    public TlsSettings {
        keystoreType = normType(KEYSTORE_TYPE, keystoreType);
        truststoreType = normType(TRUSTSTORE_TYPE, truststoreType);
        if (clientAuth != ClientAuth.NONE && truststoreLocation == null) {
            throw new InvalidConfigException(CLIENT_AUTH + " = " + clientAuth.name().toLowerCase(Locale.ROOT)
                    + " needs " + TRUSTSTORE_LOCATION + ": the CA certificates client certificates are checked against");
        }
    }

    private static String normType(String key, String t) {
        String v = t == null ? "PKCS12" : t.trim().toUpperCase(Locale.ROOT);
        if (!v.equals("PKCS12") && !v.equals("JKS") && !v.equals("PEM")) {
            throw new InvalidConfigException(key + " = '" + t + "' is invalid: use PKCS12, JKS or PEM");
        }
        return v;
    }

    public boolean hasKeystore() {
        return keystoreLocation != null && !keystoreLocation.isBlank();
    }

    public TlsSettings withClientAuth(ClientAuth c) {
        return new TlsSettings(keystoreLocation, keystoreType, keystorePassword, keyPassword, truststoreLocation,
                truststoreType, truststorePassword, c);
    }

    @Override
    public String toString() {
        return "TlsSettings[keystore=" + keystoreLocation + " (" + keystoreType + "), truststore=" + truststoreLocation
                + " (" + truststoreType + "), client.auth=" + clientAuth + ", passwords hidden]";
    }
}
