package io.busbar.routes.validate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SuggestionsTest {

    @Test
    void suggestsTheClosestNameForTyposAndNothingForUnrelatedWords() {
        List<String> names = List.of("format", "directory", "topic", "batchRecords");
        assertThat(Suggestions.closest("fromat", names)).isEqualTo("format");
        assertThat(Suggestions.closest("diretcory", names)).isEqualTo("directory");
        assertThat(Suggestions.closest("BatchRecord", names)).isEqualTo("batchRecords");
        assertThat(Suggestions.closest("colour", names)).isNull();
    }

    @Test
    void countsASwapOfNeighboursAsOneEdit() {
        assertThat(Suggestions.distance("fromat", "format")).isEqualTo(1);
        assertThat(Suggestions.distance("topic", "topic")).isZero();
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    }
}
