package io.busbar.bus.migration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTranslationTest {

    @Test
    void contiguousSourceMapsOneToOne() {
        OffsetTranslation t = new OffsetTranslation();
        for (long o = 0; o < 10; o++) {
            t.add(o, o);
        }
        assertThat(t.translate(0)).isZero();
        assertThat(t.translate(7)).isEqualTo(7);
        assertThat(t.translate(10)).isEqualTo(10); // committed "at the end"
    }

    @Test
    void gapsLeftByCompactionAndRetentionAreClosed() {
        OffsetTranslation t = new OffsetTranslation();
        // source offsets 5,6,7 then 12,13 then 20 (retention deleted 0-4, compaction removed the rest)
        long target = 0;
        for (long o : new long[] {5, 6, 7, 12, 13, 20}) {
            t.add(o, target++);
        }
        assertThat(t.translate(0)).isZero();   // before the first record: the first record
        assertThat(t.translate(6)).isEqualTo(1);
        assertThat(t.translate(8)).isEqualTo(3); // in a gap: the next copied record (source 12)
        assertThat(t.translate(12)).isEqualTo(3);
        assertThat(t.translate(14)).isEqualTo(5);
        assertThat(t.translate(20)).isEqualTo(5);
        assertThat(t.translate(21)).isEqualTo(6); // past the last: the end
    }
}
