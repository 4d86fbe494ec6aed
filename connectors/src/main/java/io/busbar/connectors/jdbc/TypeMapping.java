package io.busbar.connectors.jdbc;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * How the JDBC sink turns JSON values into column values where more than one reading is possible. Immutable.
 *
 * @param emptyStringAsNull an empty string into a column that is not text or binary (number, date, timestamp,
 *                          boolean) is SQL NULL — what an empty CSV field means; when false it is refused as a value
 *                          that does not fit
 * @param timestampZone     the zone in which ISO text with a zone or offset is stored into a timestamp column
 *                          without zone ({@code TIMESTAMP}, MariaDB {@code DATETIME})
 * @param rejectNulInText   text with a NUL character is refused before the database sees it (PostgreSQL cannot
 *                          store it and would only say "invalid byte sequence")
 */
public record TypeMapping(boolean emptyStringAsNull, ZoneId timestampZone, boolean rejectNulInText) {

    /** Empty strings are NULL, zoned timestamps are stored in UTC, NUL characters pass. */
    public static final TypeMapping DEFAULTS = new TypeMapping(true, ZoneOffset.UTC, false);

    public TypeMapping {
        timestampZone = timestampZone == null ? ZoneOffset.UTC : timestampZone;
    }

    /** The mapping for a database: NUL characters are refused on PostgreSQL. */
    public static TypeMapping of(JdbcDialect dialect, boolean emptyStringAsNull, String timestampZone) {
        return new TypeMapping(emptyStringAsNull, zone(timestampZone), dialect == JdbcDialect.POSTGRESQL);
    }

    /** Parses the kamelet's {@code timestampZone} (blank: UTC); names the fix when it is not a zone. */
    static ZoneId zone(String text) {
        if (text == null || text.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(text.trim());
        } catch (DateTimeException e) {
            throw new JdbcConfigException("timestampZone '" + text + "' is not a time zone: use UTC, an offset such as"
                    + " +01:00, or a region such as Europe/Paris");
        }
    }
}
