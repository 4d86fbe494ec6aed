package io.busbar.connectors.jdbc;

import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.LocalDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonColumnBinderTest {

    @Test
    void parsesIsoLocalDateTimesLikeTheJdk() {
        for (String s : new String[] {"2026-11-25T13:45:10", "2026-11-25T13:45:10.1", "2026-11-25T13:45:10.123456",
                "2026-11-25T13:45:10.123456789", "2000-02-29T00:00:00", "2026-11-25T13:45", "+12026-11-25T13:45:10"}) {
            assertThat(JsonColumnBinder.localDateTime(s)).as(s).isEqualTo(LocalDateTime.parse(s));
        }
    }

    @Test
    void rejectsImpossibleDateTimes() {
        assertThatThrownBy(() -> JsonColumnBinder.localDateTime("2026-02-30T10:00:00")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> JsonColumnBinder.localDateTime("2026-11-25T24:00:00")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> JsonColumnBinder.localDateTime("2026-11-25 13:45:10")).isInstanceOf(DateTimeException.class);
    }

    @Test
    void zonedAndLocalTimestampsMeetInTheConfiguredZone() {
        java.time.ZoneId tokyo = java.time.ZoneId.of("Asia/Tokyo");
        assertThat(JsonColumnBinder.timestampWithoutZone("2026-11-02T01:01:00Z", tokyo))
                .isEqualTo(LocalDateTime.parse("2026-11-02T10:01:00"));
        assertThat(JsonColumnBinder.timestampWithoutZone("2026-11-02T01:01:00", tokyo))
                .isEqualTo(LocalDateTime.parse("2026-11-02T01:01:00"));
        assertThat(JsonColumnBinder.zoned("2026-11-02T10:01:00", tokyo))
                .isEqualTo(java.time.OffsetDateTime.parse("2026-11-02T10:01:00+09:00"));
        assertThat(JsonColumnBinder.zoned("2026-11-02T01:01:00-05:00", tokyo))
                .isEqualTo(java.time.OffsetDateTime.parse("2026-11-02T01:01:00-05:00"));
        assertThatThrownBy(() -> JsonColumnBinder.zoned("yesterday", tokyo)).isInstanceOf(DateTimeException.class);
    }

    @Test
    void booleansAsTextAreStrict() {
        for (String t : new String[] {"true", "T", "yes", "Y", "1", " TRUE "}) {
            assertThat(JsonColumnBinder.bool(t)).as(t).isTrue();
        }
        for (String f : new String[] {"false", "f", "NO", "n", "0"}) {
            assertThat(JsonColumnBinder.bool(f)).as(f).isFalse();
        }
        assertThatThrownBy(() -> JsonColumnBinder.bool("maybe")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonColumnBinder.bool("")).isInstanceOf(IllegalArgumentException.class);
    }
}
