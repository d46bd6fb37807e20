package io.netforge.plot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Plots cost what is bounded, not what a model says: a confusion matrix draws at most 30 classes (the others as one,
 * every row counted), texts with control characters still make valid SVG, and the image cache is bounded in bytes
 * whatever sizes are asked for.
 */
class PlotLimitsTest {

    @Test
    void aConfusionOfManyClassesDrawsTheLargestAndTheRestAsOne() {
        int k = 150;
        List<String> classes = new ArrayList<>();
        long[][] counts = new long[k][k];
        long total = 0;
        for (int i = 0; i < k; i++) {
            classes.add("class " + i);
            for (int j = 0; j < k; j++) {
                counts[i][j] = (i == j ? 1000 - i : (i + j) % 3);
                total += counts[i][j];
            }
        }
        var drawn = ModelPlotController.largest(new ModelPlotController.Confusion("test", classes, counts));
        assertThat(drawn.classes()).hasSize(ModelPlotController.MAX_CLASSES).contains("class 0")
                .endsWith("(121 others)");
        long sum = 0;
        for (long[] row : drawn.counts()) {
            for (long n : row) {
                sum += n;
            }
        }
        assertThat(sum).isEqualTo(total);
        byte[] svg = ChartImages.svg(Charts.confusion("many", drawn.classes(), drawn.counts()), 800, 600);
        assertThat(svg.length).isLessThan(1_000_000);
    }

    @Test
    void textsWithControlCharactersStillMakeValidSvg() throws Exception {
        String name = "a\u0000b\u0007c\u001bd\ud800";
        byte[] svg = ChartImages.svg(Charts.confusion("model " + name, List.of(name, "x\ny"),
                new long[][] {{1, 2}, {3, 4}}), 400, 300);
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        xml.newDocumentBuilder().parse(new ByteArrayInputStream(svg));
        assertThat(Charts.text(name)).isEqualTo("a\ufffdb\ufffdc\ufffdd\ufffd");
        assertThat(Charts.text("x".repeat(500))).hasSize(Charts.MAX_TEXT + 1).endsWith("\u2026");
    }

    @Test
    void theImageCacheIsBoundedInBytes() {
        PlotResponses plots = new PlotResponses(DataSize.ofKilobytes(200), 2);
        for (int width = 100; width <= 3000; width += 100) {
            int w = width;
            plots.image("model/x/confusion", () -> Charts.confusion("t", List.of("a", "b"), new long[][] {{1, 2}, {3, 4}}),
                    w, 600, "image/png", null);
        }
        assertThat(plots.cachedBytes()).isPositive().isLessThanOrEqualTo(200 * 1024);
    }
}
