package io.busbar.routes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineFilesTest {

    @TempDir
    Path dir;

    @Test
    void findsYamlAndJavaFilesInADirectoryRecursivelyAndWatchesIt() throws Exception {
        Files.writeString(dir.resolve("b.yaml"), "");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/A.java"), "");
        Files.writeString(dir.resolve("a.yml"), "");
        Files.writeString(dir.resolve("README.md"), "");
        Files.writeString(dir.resolve("busbar.properties"), "");

        PipelineFiles files = PipelineFiles.of(List.of(dir));

        assertThat(files.files()).containsExactly(dir.resolve("a.yml"), dir.resolve("b.yaml"), dir.resolve("sub/A.java"));
        assertThat(files.reloadDirectory()).isEqualTo(dir);
        assertThat(files.includePattern()).isEqualTo("file:" + dir.resolve("a.yml") + ",file:" + dir.resolve("b.yaml")
                + ",file:" + dir.resolve("sub/A.java"));
    }

    @Test
    void watchesNothingWhenFilesSpanSeveralDirectories() throws Exception {
        Files.createDirectories(dir.resolve("x"));
        Files.createDirectories(dir.resolve("y"));
        Files.writeString(dir.resolve("x/one.yaml"), "");
        Files.writeString(dir.resolve("y/two.yaml"), "");

        PipelineFiles files = PipelineFiles.of(List.of(dir.resolve("x/one.yaml"), dir.resolve("y")));

        assertThat(files.files()).hasSize(2);
        assertThat(files.reloadDirectory()).isNull();
    }

    @Test
    void rejectsAMissingPathAndAForeignFileNamingThem() throws Exception {
        assertThatThrownBy(() -> PipelineFiles.of(List.of(dir.resolve("nope"))))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("nope").hasMessageContaining("does not exist");
        Files.writeString(dir.resolve("notes.txt"), "");
        assertThatThrownBy(() -> PipelineFiles.of(List.of(dir.resolve("notes.txt"))))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining(".yaml, .yml or .java");
        assertThatThrownBy(() -> PipelineFiles.of(List.of(dir)))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("No pipeline files");
    }

    @Test
    void noPathMeansNoPipelinesButADirectoryWithoutAnyIsStillAMistake() {
        assertThat(PipelineFiles.of(List.of())).isSameAs(PipelineFiles.NONE);
        assertThat(PipelineFiles.NONE.files()).isEmpty();
        assertThat(PipelineFiles.NONE.reloadDirectory()).isNull();
        assertThatThrownBy(() -> PipelineFiles.of(List.of(dir))).isInstanceOf(InvalidSettingException.class);
    }
}
