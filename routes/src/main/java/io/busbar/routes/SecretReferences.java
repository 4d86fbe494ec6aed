package io.busbar.routes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Setting values that point at a secret instead of holding it: {@code ${env:NAME}} (an environment variable) or
 * {@code ${file:/path}} (a file's content, trailing line break removed; e.g. a Kubernetes or Docker secret), so
 * passwords need not sit in busbar.properties. Values of secret settings (names with password, secret or token)
 * are never shown in messages. Stateless.
 */
public final class SecretReferences {

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern FILE = Pattern.compile("\\$\\{file:([^}]+)}");

    private SecretReferences() {
    }

    /** The value with a whole-value {@code ${env:..}} or {@code ${file:..}} reference replaced. */
    public static String expand(String key, String value, Map<String, String> env) {
        if (value == null) {
            return null;
        }
        Matcher e = ENV.matcher(value.trim());
        if (e.matches()) {
            String v = env.get(e.group(1));
            if (v == null) {
                throw new InvalidSettingException("Setting " + key + " refers to environment variable " + e.group(1)
                        + ", which is not set: export it, or give the value another way");
            }
            return v.trim();
        }
        Matcher f = FILE.matcher(value.trim());
        if (f.matches()) {
            Path file = Path.of(f.group(1).trim());
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException ex) {
                throw new InvalidSettingException("Setting " + key + " refers to file " + file + ", which cannot be read ("
                        + ex.getClass().getSimpleName() + "): check the path and its permissions");
            }
        }
        return value;
    }

    /** Whether a setting holds a secret, so its value must not be printed. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token");
    }

    /** The value as it may be shown: masked for secret settings. */
    public static String printable(String key, String value) {
        return isSecret(key) ? "****" : value;
    }
}
