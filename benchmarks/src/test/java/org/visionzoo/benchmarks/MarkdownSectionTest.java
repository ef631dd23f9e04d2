package org.visionzoo.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownSectionTest {

    @Test
    void replacesOnlyTheMarkedSection(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("docs/b.md");
        MarkdownSection.write(f, "compare", "# Title\n\nintro\n\n", "table v1\n");
        String first = Files.readString(f);
        assertThat(first).startsWith("# Title\n\nintro\n\n" + MarkdownSection.begin("compare") + "\ntable v1\n");

        Files.writeString(f, "notes before\n" + first + "\nnotes after, by hand\n");
        MarkdownSection.write(f, "compare", "ignored header", "table v2");
        String second = Files.readString(f);
        assertThat(second).startsWith("notes before\n# Title\n\nintro\n\n")
                .contains(MarkdownSection.begin("compare") + "\ntable v2\n" + MarkdownSection.end("compare"))
                .doesNotContain("table v1").doesNotContain("ignored header")
                .endsWith("\nnotes after, by hand\n");
    }

    @Test
    void appendsWhereThereIsNoSectionAndLeavesOtherSectionsAlone() {
        String doc = MarkdownSection.replace("text\n", "a", "A1");
        doc = MarkdownSection.replace(doc, "b", "B1");
        doc = MarkdownSection.replace(doc, "a", "A2");
        assertThat(doc).startsWith("text\n\n").contains("A2").contains("B1").doesNotContain("A1");
    }
}
