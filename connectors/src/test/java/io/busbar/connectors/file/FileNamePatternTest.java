package io.busbar.connectors.file;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileNamePatternTest {

    @Test
    void namesSortByOffsetAndReadBackTheirFirstOffset() {
        FileNamePattern names = new FileNamePattern("archive_{topic}_p{partition}_{start}-{end}.{ext}", "jsonl");
        String name = names.name("orders.eu", 3, 42, 1041);
        assertThat(name).isEqualTo("archive_orders.eu_p3_00000000000000000042-00000000000000001041.jsonl");
        assertThat(names.startOffset(name, "orders.eu", 3)).hasValue(42);
        assertThat(names.startOffset(name, "orders.eu", 4)).isEmpty();
        assertThat(names.startOffset(name, "orders", 3)).isEmpty();
        assertThat(names.startOffset("something-else.jsonl", "orders.eu", 3)).isEmpty();
    }

    @Test
    void aPatternWithoutPartitionOrStartIsRefusedWithTheReason() {
        assertThatThrownBy(() -> new FileNamePattern("{topic}-{end}.{ext}", "csv"))
                .hasMessageContaining("{partition} and {start}").hasMessageContaining("replay");
        assertThatThrownBy(() -> new FileNamePattern("sub/{partition}-{start}", "csv"))
                .hasMessageContaining("without folders");
    }
}
