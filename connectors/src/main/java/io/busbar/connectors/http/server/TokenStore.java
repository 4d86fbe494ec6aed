package io.busbar.connectors.http.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The HTTP bearer tokens, stored hashed in one file (by default {@code <data dir>/http-tokens}), one line each:
 * {@code <id> <name> <created> <scope,scope...> <salt> <sha-256(salt | secret)>}.
 *
 * <p>A token reads {@code bbt_<id>_<secret>}: 8 random bytes of id (hex, shown by {@code busbar tokens list}, used to
 * find the line) and 32 random bytes of secret (base64url). Only a salted SHA-256 of the secret is stored, and the
 * presented secret's hash is compared with {@link MessageDigest#isEqual} (constant time). A plain hash is enough here,
 * unlike for passwords: the secret carries 256 random bits, so guessing it from a stolen hash is hopeless however fast
 * the hash, while a slow KDF (PBKDF2) would spend milliseconds of CPU on every request and hand a flood of requests an
 * easy way to exhaust it. The salt keeps two stores from sharing hashes.
 *
 * <p>Writes go to a temporary file, fsync, then an atomic rename (the file is readable by its owner only where the
 * file system has POSIX permissions). Readers reload the file when its modification time or size changes, at most
 * once a second, so {@code busbar tokens add} works on a running Busbar. Thread-safe.
 */
public final class TokenStore {

    /** One stored token, without its secret. */
    public record Entry(String id, String name, Instant created, List<Scope> scopes, byte[] salt, byte[] hash) {
        public Entry {
            scopes = List.copyOf(scopes);
        }
    }

    /** A new token: the stored entry and the one-time text of the token. */
    public record Issued(Entry entry, String token) { }

    private static final String PREFIX = "bbt_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final long RELOAD_CHECK_NANOS = 1_000_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private volatile List<Entry> entries = List.of();
    private volatile FileTime loadedModified;
    private volatile long loadedSize = -1;
    private volatile long lastCheck;

    private TokenStore(Path file) {
        this.file = file;
    }

    /** Opens (and reads) the store; a missing file is an empty store. */
    public static TokenStore open(Path file) {
        TokenStore store = new TokenStore(file);
        store.reload();
        return store;
    }

    public Path file() {
        return file;
    }

    /** The tokens now in force (rereading the file if it changed). */
    public List<Entry> entries() {
        reloadIfChanged();
        return entries;
    }

    public boolean isEmpty() {
        return entries().isEmpty();
    }

    /** The principal of a presented token, or null when it is not one of this store's. */
    public Principal authenticate(String presented) {
        if (!presented.startsWith(PREFIX) || presented.length() < PREFIX.length() + 18
                || presented.charAt(PREFIX.length() + 16) != '_') {
            return null;
        }
        String id = presented.substring(PREFIX.length(), PREFIX.length() + 16);
        byte[] secret = presented.substring(PREFIX.length() + 17).getBytes(StandardCharsets.US_ASCII);
        for (Entry e : entries()) {
            if (e.id().equals(id)) { // the id is not secret: it is listed and only finds the line
                return MessageDigest.isEqual(e.hash(), hash(e.salt(), secret)) ? new Principal(e.name(), e.scopes()) : null;
            }
        }
        return null;
    }

    /** Adds a token (named {@code token-<id>} when {@code name} is null), returning its text: shown once, never stored. */
    public synchronized Issued add(String requestedName, List<Scope> scopes) {
        byte[] idBytes = new byte[8];
        RANDOM.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        String name = requestedName == null ? "token-" + id : requestedName;
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Token name '" + name + "' is invalid: use 1 to 64 letters, digits, '.', '_', '@' or '-'");
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("A token needs at least one scope: --scope admin, --scope read:<topic>,"
                    + " --scope write:<topic> or --scope metrics");
        }
        reload();
        if (entries.stream().anyMatch(e -> e.name().equals(name))) {
            throw new IllegalArgumentException("A token named '" + name + "' exists: delete it first (busbar tokens delete "
                    + name + ") or choose another name");
        }
        byte[] secretBytes = new byte[32];
        byte[] salt = new byte[16];
        RANDOM.nextBytes(secretBytes);
        RANDOM.nextBytes(salt);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Entry entry = new Entry(id, name, Instant.now(), scopes, salt, hash(salt, secret.getBytes(StandardCharsets.US_ASCII)));
        List<Entry> next = new ArrayList<>(entries);
        next.add(entry);
        write(next);
        return new Issued(entry, PREFIX + id + "_" + secret);
    }

    /** Deletes the token with this name or id; false when there is none. */
    public synchronized boolean delete(String nameOrId) {
        reload();
        List<Entry> next = entries.stream().filter(e -> !e.name().equals(nameOrId) && !e.id().equals(nameOrId)).toList();
        if (next.size() == entries.size()) {
            return false;
        }
        write(next);
        return true;
    }

    private static byte[] hash(byte[] salt, byte[] secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - lastCheck < RELOAD_CHECK_NANOS) {
            return;
        }
        lastCheck = now;
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (!modified.equals(loadedModified) || size != loadedSize) {
                reload();
            }
        } catch (NoSuchFileException e) {
            entries = List.of();
            loadedModified = null;
            loadedSize = -1;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the HTTP token store " + file + ": " + e.getMessage(), e);
        }
    }

    private synchronized void reload() {
        if (!Files.exists(file)) {
            entries = List.of();
            return;
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            List<Entry> read = new ArrayList<>();
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                String l = line.trim();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    read.add(parse(l, n));
                }
            }
            entries = List.copyOf(read);
            loadedModified = modified;
            loadedSize = size;
            lastCheck = System.nanoTime();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the HTTP token store " + file + " (" + e.getMessage()
                    + "): check its permissions, or point busbar.http.token.store elsewhere", e);
        }
    }

    private Entry parse(String line, int n) {
        String[] f = line.split("\\s+");
        try {
            if (f.length != 6) {
                throw new IllegalArgumentException("expected 6 fields, found " + f.length);
            }
            List<Scope> scopes = Arrays.stream(f[3].split(",")).map(Scope::parse).toList();
            Base64.Decoder b64 = Base64.getDecoder();
            return new Entry(f[0], f[1], Instant.parse(f[2]), scopes, b64.decode(f[4]), b64.decode(f[5]));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Line " + n + " of the HTTP token store " + file + " is damaged (" + e.getMessage()
                    + "): delete the line and issue the token again with busbar tokens add", e);
        }
    }

    private void write(List<Entry> next) {
        StringBuilder text = new StringBuilder("# Busbar HTTP tokens (busbar tokens add|list|delete): id name created scopes"
                + " salt sha256(salt|secret). Secrets are never stored.\n");
        Base64.Encoder b64 = Base64.getEncoder();
        for (Entry e : next) {
            text.append(e.id()).append(' ').append(e.name()).append(' ').append(e.created()).append(' ')
                    .append(String.join(",", e.scopes().stream().map(Scope::toString).toList())).append(' ')
                    .append(b64.encodeToString(e.salt())).append(' ').append(b64.encodeToString(e.hash())).append('\n');
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // e.g. Windows: the directory's ACLs apply
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(StandardCharsets.UTF_8.encode(text.toString()));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException directoryNotSyncable) {
                // some file systems cannot fsync a directory; the rename is still atomic
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the HTTP token store " + file + ": " + e.getMessage(), e);
        }
        reload();
    }
}
