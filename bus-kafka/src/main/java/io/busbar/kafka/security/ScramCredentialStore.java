package io.busbar.kafka.security;

import io.busbar.bus.log.LogFiles;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * SCRAM credentials of the Kafka listener's users, salted and hashed as Kafka stores them (salt, StoredKey,
 * ServerKey, iterations; RFC 5802), in {@code <data dir>/kafka-listener/scram-credentials}. Passwords are never
 * stored: PLAIN logins are checked by deriving the StoredKey from the given password with the stored salt.
 * Every change rewrites the file atomically (temporary file, fsync, rename, directory fsync). Thread-safe.
 */
public final class ScramCredentialStore {

    /** Kafka's default (and the minimum it accepts for SCRAM-SHA-256/512). */
    public static final int DEFAULT_ITERATIONS = 4096;

    private final Path file;
    /** user -> mechanism name -> credential. */
    private final SortedMap<String, Map<String, ScramCredential>> users = new TreeMap<>();

    private ScramCredentialStore(Path file) {
        this.file = file;
    }

    /** Opens (or starts empty) the store under {@code stateDir}. */
    public static ScramCredentialStore open(Path stateDir) {
        ScramCredentialStore store = new ScramCredentialStore(stateDir.resolve("scram-credentials"));
        store.load();
        return store;
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the SCRAM credentials in " + file + ": " + e.getMessage()
                    + " (check the data directory's permissions)", e);
        }
        for (String key : p.stringPropertyNames()) {
            int slash = key.lastIndexOf('/');
            String[] f = p.getProperty(key).split(":");
            if (slash <= 0 || f.length != 4) {
                throw new IllegalStateException("Damaged SCRAM credential '" + key + "' in " + file
                        + ": remove the line and add the user again with `busbar users add`");
            }
            Base64.Decoder b64 = Base64.getDecoder();
            ScramCredential c = new ScramCredential(b64.decode(f[1]), b64.decode(f[2]), b64.decode(f[3]),
                    Integer.parseInt(f[0]));
            users.computeIfAbsent(key.substring(0, slash), u -> new TreeMap<>()).put(key.substring(slash + 1), c);
        }
    }

    /** Salts and hashes {@code password} for {@code mechanism} and stores it (replacing an earlier one). */
    public void upsert(String user, ScramMechanism mechanism, String password, int iterations) {
        try {
            ScramCredential c = new ScramFormatter(mechanism).generateCredential(password, iterations);
            put(user, mechanism, c);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(mechanism.mechanismName() + " is not available in this JVM", e);
        }
    }

    /** Stores a credential from its salted password (AlterUserScramCredentials carries no password). */
    public void upsertSalted(String user, ScramMechanism mechanism, byte[] salt, byte[] saltedPassword, int iterations) {
        try {
            ScramFormatter f = new ScramFormatter(mechanism);
            byte[] clientKey = f.clientKey(saltedPassword);
            ScramCredential c = new ScramCredential(salt, f.storedKey(clientKey), f.serverKey(saltedPassword), iterations);
            put(user, mechanism, c);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("Cannot derive " + mechanism.mechanismName() + " keys", e);
        }
    }

    private synchronized void put(String user, ScramMechanism mechanism, ScramCredential c) {
        checkUser(user);
        if (iterationsOutOfRange(mechanism, c.iterations())) {
            throw new IllegalArgumentException("Iterations " + c.iterations() + " for " + mechanism.mechanismName()
                    + " are out of range: use " + mechanism.minIterations() + ".." + mechanism.maxIterations());
        }
        users.computeIfAbsent(user, u -> new TreeMap<>()).put(mechanism.mechanismName(), c);
        save();
    }

    public static boolean iterationsOutOfRange(ScramMechanism mechanism, int iterations) {
        return iterations < mechanism.minIterations() || iterations > mechanism.maxIterations();
    }

    private static void checkUser(String user) {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("A user name is required (non-empty)");
        }
    }

    /** Removes one mechanism's credential; returns false when there was none. */
    public synchronized boolean delete(String user, ScramMechanism mechanism) {
        Map<String, ScramCredential> m = users.get(user);
        if (m == null || m.remove(mechanism.mechanismName()) == null) {
            return false;
        }
        if (m.isEmpty()) {
            users.remove(user);
        }
        save();
        return true;
    }

    /** Removes every credential of a user; returns false when there was none. */
    public synchronized boolean deleteUser(String user) {
        if (users.remove(user) == null) {
            return false;
        }
        save();
        return true;
    }

    public synchronized ScramCredential credential(String user, String mechanismName) {
        Map<String, ScramCredential> m = users.get(user);
        return m == null ? null : m.get(mechanismName);
    }

    /** user -> mechanism -> iterations (no secrets). */
    public synchronized SortedMap<String, SortedMap<String, Integer>> describe() {
        SortedMap<String, SortedMap<String, Integer>> out = new TreeMap<>();
        users.forEach((u, m) -> {
            SortedMap<String, Integer> it = new TreeMap<>();
            m.forEach((mech, c) -> it.put(mech, c.iterations()));
            out.put(u, it);
        });
        return out;
    }

    /**
     * Checks a PLAIN login against any stored SCRAM credential of the user: the password, salted and hashed with the
     * stored salt and iterations, must give the stored StoredKey (compared in constant time).
     */
    public boolean checkPassword(String user, char[] password) {
        Map<String, ScramCredential> m;
        synchronized (this) {
            m = users.get(user) == null ? null : Map.copyOf(users.get(user));
        }
        if (m == null || m.isEmpty()) {
            return false;
        }
        Map.Entry<String, ScramCredential> e = m.entrySet().iterator().next();
        try {
            ScramFormatter f = new ScramFormatter(ScramMechanism.forMechanismName(e.getKey()));
            ScramCredential c = e.getValue();
            byte[] salted = f.saltedPassword(new String(password), c.salt(), c.iterations());
            return MessageDigest.isEqual(f.storedKey(f.clientKey(salted)), c.storedKey());
        } catch (NoSuchAlgorithmException | InvalidKeyException ex) {
            return false;
        }
    }

    private void save() {
        Properties p = new Properties();
        Base64.Encoder b64 = Base64.getEncoder();
        users.forEach((u, m) -> m.forEach((mech, c) -> p.setProperty(u + "/" + mech, c.iterations() + ":"
                + b64.encodeToString(c.salt()) + ":" + b64.encodeToString(c.storedKey()) + ":"
                + b64.encodeToString(c.serverKey()))));
        try {
            StringWriter w = new StringWriter();
            p.store(w, "SCRAM credentials (salted and hashed; managed with `busbar users` or kafka-configs)");
            Files.createDirectories(file.getParent());
            LogFiles.writeAtomically(file, w.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the SCRAM credentials to " + file + ": " + e.getMessage(), e);
        }
    }
}
