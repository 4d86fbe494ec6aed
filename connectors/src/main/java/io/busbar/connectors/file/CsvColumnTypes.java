package io.busbar.connectors.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Types for CSV fields, so the JSON of a row carries numbers and booleans instead of strings: declared per column
 * ({@code csvColumnTypes=amount:decimal,qty:int,paid:boolean,created_at:timestamp}) and/or inferred from each field
 * ({@code csvInferTypes}). A declared field that does not parse is refused with its line, column and value (the
 * record is malformed: dead-lettered or failing the file, as {@code onMalformed} says); an empty field of a declared
 * type other than string is null. Inference never refuses: {@code 42} is a number, {@code 4.5} an exact decimal,
 * {@code true}/{@code false} a boolean, an empty field null, anything else (including {@code 007}, {@code 1e5}) stays
 * text. Immutable, thread-safe.
 */
final class CsvColumnTypes {

    /** A declared column type; dates and timestamps are checked ISO-8601 and stay text in JSON. */
    enum Type {
        STRING, INTEGER, DECIMAL, BOOLEAN, DATE, TIMESTAMP;

        static Type parse(String name, String column) {
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "string", "text" -> STRING;
                case "int", "integer", "long", "bigint" -> INTEGER;
                case "decimal", "number", "numeric" -> DECIMAL;
                case "boolean", "bool" -> BOOLEAN;
                case "date" -> DATE;
                case "timestamp", "datetime" -> TIMESTAMP;
                default -> throw new IllegalArgumentException("csvColumnTypes: type '" + name.trim() + "' of column '"
                        + column + "' is unknown: use string, int, decimal, boolean, date or timestamp");
            };
        }
    }

    /** A field that does not parse under its declared type. */
    static final class InvalidValueException extends Exception {
        InvalidValueException(String message) {
            super(message);
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** Numbers as people write them in CSV: no leading zeros (ids and zip codes such as 007 stay text), no exponent. */
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]+");

    private final Map<String, Type> declared;
    private final boolean infer;

    private CsvColumnTypes(Map<String, Type> declared, boolean infer) {
        this.declared = declared;
        this.infer = infer;
    }

    /** Parses {@code column:type,...} (blank: none); null when there is nothing to type. */
    static CsvColumnTypes parse(String spec, boolean infer) {
        Map<String, Type> declared = new LinkedHashMap<>();
        if (spec != null && !spec.isBlank()) {
            for (String pair : spec.split(",")) {
                int colon = pair.lastIndexOf(':');
                if (colon <= 0 || colon == pair.length() - 1) {
                    throw new IllegalArgumentException("csvColumnTypes entry '" + pair.trim() + "' is invalid: write"
                            + " column:type pairs separated by commas, e.g. amount:decimal,qty:int,paid:boolean");
                }
                String column = pair.substring(0, colon).trim();
                declared.put(column, Type.parse(pair.substring(colon + 1), column));
            }
        }
        return declared.isEmpty() && !infer ? null : new CsvColumnTypes(Map.copyOf(declared), infer);
    }

    /**
     * The declared type of each column of a file (by header name, or 0-based number without a header), null where
     * none; fails with the fix when a declared column is not in the file.
     */
    Type[] resolve(Path file, List<String> header, int fieldCount) {
        Type[] types = new Type[header != null ? header.size() : fieldCount];
        declared.forEach((column, type) -> {
            int index = header != null ? header.indexOf(column) : number(column);
            if (index < 0 || (header == null && index >= types.length)) {
                if (header != null) {
                    throw new FileParseException(file.getFileName() + " has no column '" + column + "' (csvColumnTypes):"
                            + " its header is " + header + "; fix csvColumnTypes or the file");
                }
                return; // without a header a row may be shorter: that field is simply absent
            }
            types[index] = type;
        });
        return types;
    }

    private static int number(String column) {
        try {
            return Integer.parseInt(column);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("csvColumnTypes column '" + column + "' is invalid without a header row:"
                    + " use 0-based column numbers (0:int,2:decimal), or set header=true");
        }
    }

    /** The JSON value of one field; {@code declared} null means inferred (with csvInferTypes) or text. */
    JsonNode value(Type declared, String text) throws InvalidValueException {
        if (declared == null) {
            return infer ? inferred(text) : NODES.textNode(text);
        }
        if (declared == Type.STRING) {
            return NODES.textNode(text);
        }
        String t = text.trim();
        if (t.isEmpty()) {
            return NODES.nullNode();
        }
        try {
            return switch (declared) {
                case INTEGER -> {
                    BigInteger i = new BigDecimal(t).toBigIntegerExact(); // "4.0" is 4, "4.5" is refused
                    yield i.bitLength() < 64 ? NODES.numberNode(i.longValue()) : NODES.numberNode(i);
                }
                case DECIMAL -> NODES.numberNode(new BigDecimal(t));
                case BOOLEAN -> NODES.booleanNode(bool(t));
                case DATE -> {
                    LocalDate.parse(t);
                    yield NODES.textNode(t);
                }
                case TIMESTAMP -> {
                    timestamp(t);
                    yield NODES.textNode(t);
                }
                case STRING -> NODES.textNode(text);
            };
        } catch (NumberFormatException | ArithmeticException | DateTimeException e) {
            throw new InvalidValueException("'" + text + "' is not " + article(declared));
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("'" + text + "' is not a boolean (true/false, yes/no, 1/0)");
        }
    }

    private static JsonNode inferred(String text) {
        if (text.isEmpty()) {
            return NODES.nullNode();
        }
        if (INTEGER.matcher(text).matches()) {
            BigInteger i = new BigInteger(text);
            return i.bitLength() < 64 ? NODES.numberNode(i.longValue()) : NODES.numberNode(new BigDecimal(i));
        }
        if (DECIMAL.matcher(text).matches()) {
            return NODES.numberNode(new BigDecimal(text));
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return NODES.booleanNode(Boolean.parseBoolean(text));
        }
        return NODES.textNode(text);
    }

    private static boolean bool(String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "1" -> true;
            case "false", "f", "no", "n", "0" -> false;
            default -> throw new IllegalArgumentException(t);
        };
    }

    private static void timestamp(String t) {
        try {
            LocalDateTime.parse(t);
        } catch (DateTimeException local) {
            OffsetDateTime.parse(t);
        }
    }

    private static String article(Type type) {
        return switch (type) {
            case INTEGER -> "an integer";
            case DECIMAL -> "a decimal number";
            case DATE -> "an ISO date such as 2026-11-25";
            case TIMESTAMP -> "an ISO timestamp such as 2026-11-25T13:45:10 or 2026-11-25T13:45:10Z";
            default -> "a " + type.name().toLowerCase(Locale.ROOT);
        };
    }

    @Override
    public String toString() {
        return "declared " + declared + (infer ? ", others inferred" : "");
    }
}
