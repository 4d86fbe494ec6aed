package io.busbar.bus.embedded;

import io.busbar.bus.InvalidTopicException;

import java.util.regex.Pattern;

/** Kafka's topic naming rule: 1-249 of {@code [a-zA-Z0-9._-]}, not "." or "..". */
final class TopicNames {
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private TopicNames() {
    }

    static String validate(String name) {
        if (name == null || !LEGAL.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new InvalidTopicException("Topic name '" + name + "' is invalid: use 1 to 249 letters, digits, '.', '_' or '-'"
                    + " (and not '.' or '..')");
        }
        return name;
    }
}
