package io.busbar.kafka.security;

import io.busbar.bus.log.LogFiles;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * SCRAM credentials of the Kafka listener's users, salted and hashed as Kafka stores them (salt, StoredKey,
 * ServerKey, iterations; RFC 5802), in {@code <data dir>/kafka-listener/scram-credentials}. Passwords are never
 * stored: PLAIN logins are checked by deriving the StoredKey from the given password with the stored salt.
 * Every change rewrites the file atomically (temporary file, fsync, rename, directory fsync); a change made by another
 * process ({@code busbar users} beside a running broker) is picked up at the next login. Thread-safe.
 */
public final class ScramCredentialStore {

    /** Kafka's default (and the minimum it accepts for SCRAM-SHA-256/512). */
    public static final int DEFAULT_ITERATIONS = 4096;

    private final Path file;
    /** user -> mechanism name -> credential. */
    private final SortedMap<String, Map<String, ScramCredential>> users = new TreeMap<>();
    /** Modification time of the file as last read or written: another process (`busbar users`) may change it. */
    private long loadedMtime = -1;

    private ScramCredentialStore(Path file) {
        this.file = file;
    }

    /** Opens (or starts empty) the store under {@code stateDir}. */
    public static ScramCredentialStore open(Path stateDir) {
        ScramCredentialStore store = new ScramCredentialStore(stateDir.resolve("scram-credentials"));
        store.load();
        return store;
    }

    private long mtime() {
        try {
            return Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Re-reads the file when another process changed it since (cheap: one stat per call). */
    private synchronized void refresh() {
        if (mtime() != loadedMtime) {
            users.clear();
            load();
        }
    }

    private void load() {
        loadedMtime = mtime();
        if (!Files.exists(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the SCRAM credentials in " + file + ": " + e.getMessage()
                    + " (check the data directory's permissions)", e);
        }
        Base64.Decoder b64 = Base64.getDecoder();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            try {
                ScramCredential c = new ScramCredential(b64.decode(f[3]), b64.decode(f[4]), b64.decode(f[5]),
                        Integer.parseInt(f[2]));
                String user = URLDecoder.decode(f[0], StandardCharsets.UTF_8);
                users.computeIfAbsent(user, u -> new TreeMap<>()).put(ScramMechanism.forMechanismName(f[1]).mechanismName(), c);
            } catch (RuntimeException e) {
                throw new IllegalStateException("Damaged SCRAM credential line in " + file
                        + ": remove it and add the user again with `busbar users add`", e);
            }
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
        refresh();
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
        refresh();
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
        refresh();
        if (users.remove(user) == null) {
            return false;
        }
        save();
        return true;
    }

    public synchronized ScramCredential credential(String user, String mechanismName) {
        refresh();
        Map<String, ScramCredential> m = users.get(user);
        return m == null ? null : m.get(mechanismName);
    }

    /** user -> mechanism -> iterations (no secrets). */
    public synchronized SortedMap<String, SortedMap<String, Integer>> describe() {
        refresh();
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
            refresh();
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
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder out = new StringBuilder("# SCRAM credentials, salted and hashed (RFC 5802): user mechanism iterations"
                + " salt StoredKey ServerKey. Managed with `busbar users` or kafka-configs.\n");
        users.forEach((u, m) -> m.forEach((mech, c) -> out.append(URLEncoder.encode(u, StandardCharsets.UTF_8))
                .append(' ').append(mech).append(' ').append(c.iterations()).append(' ')
                .append(b64.encodeToString(c.salt())).append(' ').append(b64.encodeToString(c.storedKey())).append(' ')
                .append(b64.encodeToString(c.serverKey())).append('\n')));
        try {
            Files.createDirectories(file.getParent());
            LogFiles.writeAtomically(file, out.toString().getBytes(StandardCharsets.UTF_8));
            loadedMtime = mtime();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the SCRAM credentials to " + file + ": " + e.getMessage(), e);
        }
    }
}
