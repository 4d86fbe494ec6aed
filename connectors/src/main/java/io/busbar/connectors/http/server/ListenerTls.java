package io.busbar.connectors.http.server;

import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;

import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server key and certificate of the HTTPS listeners, from PEM files (a certificate chain and a PKCS#8 private
 * key, optionally encrypted) or a PKCS12 key store, as Camel's {@link SSLContextParameters} for camel-netty-http
 * (the JDK's TLS, TLS 1.2 and 1.3 only). The PEM files are only decoded here (base64 to DER); keys and certificates
 * are built by the JDK's {@link KeyFactory} and {@link CertificateFactory}. Immutable.
 *
 * @param certFile         PEM certificate chain (server certificate first), or null
 * @param keyFile          PEM private key (PKCS#8: {@code BEGIN PRIVATE KEY} or {@code BEGIN ENCRYPTED PRIVATE KEY}), or null
 * @param keyPassword      password of an encrypted PEM key, or null
 * @param keystoreFile     PKCS12 key store, or null
 * @param keystorePassword its password, or null
 */
public record ListenerTls(Path certFile, Path keyFile, String keyPassword, Path keystoreFile, String keystorePassword) {

    private static final Pattern KEY_BLOCK = Pattern.compile(
            "-----BEGIN (ENCRYPTED )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END (ENCRYPTED )?PRIVATE KEY-----");

    /** The key store settings' names, for messages ({@code busbar.http.tls.cert} etc.). */
    public record SettingNames(String cert, String key, String keystore) { }

    /**
     * Checks that exactly one form is given, completely: cert and key together, or a key store.
     *
     * @throws IllegalArgumentException naming the setting to fix
     */
    public void validate(SettingNames names) {
        boolean pem = certFile != null || keyFile != null;
        if (pem && keystoreFile != null) {
            throw new IllegalArgumentException("HTTPS needs either " + names.cert() + " with " + names.key() + " (PEM) or "
                    + names.keystore() + " (PKCS12), not both: remove one");
        }
        if (pem && (certFile == null || keyFile == null)) {
            throw new IllegalArgumentException("HTTPS from PEM files needs both " + names.cert() + " (certificate chain) and "
                    + names.key() + " (private key): set " + (certFile == null ? names.cert() : names.key()));
        }
        for (Path p : new Path[] {certFile, keyFile, keystoreFile}) {
            if (p != null && !Files.isReadable(p)) {
                throw new IllegalArgumentException("HTTPS file " + p + " is not readable: fix " + (p == certFile ? names.cert()
                        : p == keyFile ? names.key() : names.keystore()));
            }
        }
    }

    /** Camel's TLS parameters for a server endpoint, with the key store loaded now (errors name the file). */
    public SSLContextParameters sslContextParameters(SettingNames names) {
        validate(names);
        KeyStore keyStore;
        String password;
        try {
            if (keystoreFile != null) {
                password = keystorePassword == null ? "" : keystorePassword;
                keyStore = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(keystoreFile)) {
                    keyStore.load(in, password.toCharArray());
                }
            } else {
                password = "busbar-in-memory"; // protects the in-memory copy only; never written anywhere
                keyStore = KeyStore.getInstance("PKCS12");
                keyStore.load(null, null);
                keyStore.setKeyEntry("server", readKey(), password.toCharArray(), readChain());
            }
        } catch (IOException | GeneralSecurityException e) {
            String which = keystoreFile != null ? names.keystore() + " = " + keystoreFile
                    : names.cert() + " = " + certFile + " / " + names.key() + " = " + keyFile;
            throw new IllegalArgumentException("Cannot load the HTTPS key and certificate from " + which + ": "
                    + e.getMessage() + " (check the files and the password)", e);
        }
        KeyStoreParameters ksp = new KeyStoreParameters();
        ksp.setKeyStore(keyStore);
        KeyManagersParameters kmp = new KeyManagersParameters();
        kmp.setKeyStore(ksp);
        kmp.setKeyPassword(password);
        SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
        protocols.setSecureSocketProtocol(List.of("TLSv1.3", "TLSv1.2"));
        SSLContextServerParameters server = new SSLContextServerParameters();
        server.setSecureSocketProtocols(protocols);
        SSLContextParameters params = new SSLContextParameters();
        params.setKeyManagers(kmp);
        params.setServerParameters(server);
        params.setSecureSocketProtocol("TLS");
        return params;
    }

    private Certificate[] readChain() throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(certFile)) {
            Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
            if (chain.length == 0) {
                throw new GeneralSecurityException(certFile + " holds no PEM certificate");
            }
            return chain;
        }
    }

    private PrivateKey readKey() throws IOException, GeneralSecurityException {
        String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        Matcher m = KEY_BLOCK.matcher(pem);
        if (!m.find()) {
            throw new GeneralSecurityException(keyFile + " holds no PKCS#8 private key ('BEGIN PRIVATE KEY'); convert a"
                    + " 'BEGIN RSA/EC PRIVATE KEY' file with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        KeySpec spec;
        if (m.group(1) != null) {
            if (keyPassword == null) {
                throw new GeneralSecurityException(keyFile + " is encrypted: set the key password");
            }
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            SecretKeyFactory f = SecretKeyFactory.getInstance(info.getAlgName());
            spec = info.getKeySpec(f.generateSecret(new PBEKeySpec(keyPassword.toCharArray())));
        } else {
            spec = new PKCS8EncodedKeySpec(der);
        }
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "EdDSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException(keyFile + " is not an RSA, EC or EdDSA private key (" + last.getMessage() + ")");
    }

    public boolean enabled() {
        return certFile != null || keyFile != null || keystoreFile != null;
    }
}
