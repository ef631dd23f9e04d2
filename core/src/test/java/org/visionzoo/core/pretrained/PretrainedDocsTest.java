package org.visionzoo.core.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** docs/pretrained.md's catalogue table equals the catalogue. */
class PretrainedDocsTest {

    static final Path DOC = Path.of("../docs/pretrained.md");
    static final String START = "<!-- catalogue table: generated from the catalogue, checked by PretrainedDocsTest -->";
    static final String END = "<!-- end of catalogue table -->";

    /** The table, as docs/pretrained.md holds it. */
    static String table(WeightsCatalogue c) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | tag | acc@1 | acc@5 | params | size | eval transform |\n");
        sb.append("|---|---|---:|---:|---:|---:|---|\n");
        for (PretrainedWeights w : c.entries()) {
            EvalTransform t = w.transform();
            sb.append(String.format(Locale.ROOT, "| %s | %s%s | %.3f | %.3f | %,d | %.1f MB | %d/%d %s%s |%n",
                    w.model(), w.tag(), w.isDefault() ? " (default)" : "", w.acc1(), w.acc5(), w.numParams(),
                    w.approximateBytes() / 1e6, t.resizeSize(), t.cropSize(), t.interpolation().torchvisionName(),
                    t.mean().equals(EvalTransform.IMAGENET_MEAN) ? "" : ", mean " + t.mean() + ", std " + t.std()));
        }
        return sb.toString();
    }

    @Test
    void docsTableEqualsTheCatalogue() throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        assertThat(start).as("marker in " + DOC).isNotNegative();
        assertThat(end).isGreaterThan(start);
        String got = doc.substring(start + START.length(), end).strip() + "\n";
        assertThat(got).isEqualTo(table(WeightsCatalogue.standard()));
    }
}
