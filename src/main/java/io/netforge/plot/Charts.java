package io.netforge.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Locale;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The service's charts, built with JFreeChart from plain numbers (no Spring, no storage): ROC curves, loss curves,
 * a confusion matrix, and a metric against hidden nodes with error bars. {@link ChartImages} renders them.
 */
public final class Charts {

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    /**
     * JFreeChart's default theme names Tahoma, which Linux machines seldom have (the JDK then falls back to its
     * logical Dialog font, which an SVG reader does not know): every chart gets the logical SansSerif instead,
     * written into SVG as sans-serif.
     */
    private static final StandardChartTheme THEME = theme();

    private Charts() {
    }

    private static StandardChartTheme theme() {
        StandardChartTheme theme = new StandardChartTheme("netforge");
        theme.setExtraLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        theme.setLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        theme.setRegularFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        theme.setSmallFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        return theme;
    }

    /** One curve to draw: its legend label and its points. */
    public record Line(String label, double[] x, double[] y) {
    }

    /** One series of points with error bars: at x, mean ± sd. */
    public record Bars(String label, double[] x, double[] mean, double[] sd) {
    }

    /** Most characters of a text drawn (a title, a class); longer ones end in an ellipsis. */
    static final int MAX_TEXT = 80;

    /**
     * A text as a chart may draw it: control characters (which XML 1.0, and so SVG, cannot hold, and which no label
     * needs) as U+FFFD, and at most {@value #MAX_TEXT} characters.
     */
    static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_TEXT + 1));
        for (int i = 0; i < s.length() && out.length() < MAX_TEXT; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f || (Character.isSurrogate(c) && !(Character.isHighSurrogate(c)
                    && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) && !(Character.isLowSurrogate(c)
                    && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) ? '\uFFFD' : c);
        }
        return out.length() < s.length() ? out.append('\u2026').toString() : out.toString();
    }

    /** ROC curves with the chance diagonal, as the article draws them; the labels carry the AUCs. */
    public static JFreeChart roc(String title, List<Line> curves) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line curve : curves) {
            data.addSeries(series(curve.label(), curve.x(), curve.y()));
        }
        XYSeries chance = new XYSeries("chance (AUC 0.5)", false, true);
        chance.add(0, 0);
        chance.add(1, 1);
        data.addSeries(chance);
        JFreeChart chart = ChartFactory.createXYLineChart(text(title), "false positive rate", "true positive rate", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        XYLineAndShapeRenderer renderer = lines(curves.size() + 1, false);
        renderer.setSeriesPaint(curves.size(), Color.GRAY);
        renderer.setSeriesStroke(curves.size(), new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                10f, new float[] {6f, 4f}, 0f));
        plot.setRenderer(renderer);
        unitRange((NumberAxis) plot.getDomainAxis());
        unitRange((NumberAxis) plot.getRangeAxis());
        return chart;
    }

    /** Loss by epoch: training, and validation when there is one. */
    public static JFreeChart loss(String title, List<Line> curves) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line curve : curves) {
            data.addSeries(series(curve.label(), curve.x(), curve.y()));
        }
        JFreeChart chart = ChartFactory.createXYLineChart(text(title), "epoch", "loss", data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = style(chart);
        plot.setRenderer(lines(curves.size(), false));
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return chart;
    }

    /**
     * A confusion matrix as a grid of cells shaded by their share of their actual class, each with its count.
     *
     * @param counts row i, column j: rows of class i predicted as class j
     */
    public static JFreeChart confusion(String title, List<String> classes, long[][] counts) {
        int k = classes.size();
        double[] x = new double[k * k];
        double[] y = new double[k * k];
        double[] z = new double[k * k];
        XYPlot plot = new XYPlot();
        List<XYTextAnnotation> labels = new java.util.ArrayList<>();
        plot.setDomainAxis(new NumberAxis());
        plot.setRangeAxis(new NumberAxis());
        for (int actual = 0; actual < k; actual++) {
            long total = 0;
            for (long count : counts[actual]) {
                total += count;
            }
            for (int predicted = 0; predicted < k; predicted++) {
                int cell = actual * k + predicted;
                x[cell] = predicted;
                // the first class on top
                y[cell] = k - 1 - actual;
                z[cell] = total == 0 ? 0 : (double) counts[actual][predicted] / total;
                XYTextAnnotation label = new XYTextAnnotation(Long.toString(counts[actual][predicted]), predicted,
                        k - 1 - actual);
                label.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
                label.setPaint(z[cell] > 0.6 ? Color.WHITE : Color.BLACK);
                labels.add(label);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("share of the actual class", new double[][] {x, y, z});
        LookupPaintScale scale = new LookupPaintScale(0, 1.0001, Color.WHITE);
        for (int step = 0; step <= 10; step++) {
            int shade = (int) Math.round(245 - 200 * step / 10.0);
            scale.add(step / 10.0, new Color(shade, shade, 255));
        }
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(scale);
        String[] predicted = classes.stream().map(Charts::text).toArray(String[]::new);
        String[] actual = new String[k];
        for (int i = 0; i < k; i++) {
            actual[i] = text(classes.get(k - 1 - i));
        }
        plot.setDataset(data);
        JFreeChart chart = new JFreeChart(text(title), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        THEME.apply(chart);
        // after the theme, which would set every annotation's font and colour
        labels.forEach(plot::addAnnotation);
        plot.setRenderer(renderer);
        SymbolAxis predictedAxis = new SymbolAxis("predicted", predicted);
        SymbolAxis actualAxis = new SymbolAxis("actual", actual);
        for (SymbolAxis axis : List.of(predictedAxis, actualAxis)) {
            axis.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            axis.setGridBandsVisible(false);
        }
        plot.setDomainAxis(predictedAxis);
        plot.setRangeAxis(actualAxis);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        NumberAxis shareAxis = new NumberAxis("share of the actual class");
        shareAxis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        shareAxis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        shareAxis.setRange(0, 1);
        PaintScaleLegend legend = new PaintScaleLegend(scale, shareAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 40, 4);
        chart.addSubtitle(legend);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** A metric against total hidden nodes, each point the mean over seeds and folds with ± one sd as error bars. */
    public static JFreeChart metricAgainstNodes(String title, String metric, List<Bars> groups) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (Bars group : groups) {
            YIntervalSeries series = new YIntervalSeries(text(group.label()), false, true);
            for (int i = 0; i < group.x().length; i++) {
                double sd = Double.isNaN(group.sd()[i]) ? 0 : group.sd()[i];
                series.add(group.x()[i], group.mean()[i], group.mean()[i] - sd, group.mean()[i] + sd);
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(text(title), "total hidden nodes", "test " + metric
                + " (mean ± sd over the runs)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDrawYError(true);
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(true);
        renderer.setCapLength(6);
        for (int s = 0; s < groups.size(); s++) {
            renderer.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
            renderer.setSeriesStroke(s, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return chart;
    }

    /**
     * Permutation importance: a horizontal bar per feature, the mean drop of the score, with ± one sd over the
     * repeats as error bars; the features in the order given (the largest first).
     */
    public static JFreeChart importance(String title, String score, List<String> features, double[] mean,
            double[] sd) {
        org.jfree.data.statistics.DefaultStatisticalCategoryDataset data =
                new org.jfree.data.statistics.DefaultStatisticalCategoryDataset();
        for (int i = 0; i < features.size(); i++) {
            data.add(mean[i], sd[i], "importance", text(features.get(i)));
        }
        JFreeChart chart = ChartFactory.createBarChart(text(title), "feature", "drop of " + score
                + " when permuted (mean ± sd over the repeats)", data, PlotOrientation.HORIZONTAL, false, false, false);
        THEME.apply(chart);
        chart.setBackgroundPaint(Color.WHITE);
        org.jfree.chart.plot.CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        org.jfree.chart.renderer.category.StatisticalBarRenderer renderer =
                new org.jfree.chart.renderer.category.StatisticalBarRenderer();
        renderer.setSeriesPaint(0, PALETTE[0]);
        renderer.setErrorIndicatorPaint(Color.BLACK);
        renderer.setShadowVisible(false);
        renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        plot.setRenderer(renderer);
        return chart;
    }

    /**
     * Partial dependence (a thick line) over ICE curves (thin, grey) of one output against a feature's grid; for a
     * categorical feature the grid's levels label the axis.
     *
     * @param levels the level of each grid point, or null for a numeric feature
     * @param ice    per ICE row, per grid point
     */
    public static JFreeChart dependence(String title, String feature, String output, double[] grid, String[] levels,
            double[] average, double[][] ice) {
        XYSeriesCollection data = new XYSeriesCollection();
        double[] x = grid;
        if (levels != null) {
            x = new double[grid.length];
            for (int g = 0; g < x.length; g++) {
                x[g] = g;
            }
        }
        data.addSeries(series("partial dependence", x, average));
        for (int r = 0; r < ice.length; r++) {
            XYSeries row = new XYSeries("ICE " + r, false, true);
            for (int g = 0; g < x.length; g++) {
                row.add(x[g], ice[r][g]);
            }
            data.addSeries(row);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(text(title), text(feature), text(output), data,
                PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = style(chart);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, levels != null);
        renderer.setSeriesPaint(0, PALETTE[1]);
        renderer.setSeriesStroke(0, new BasicStroke(3f));
        for (int r = 0; r < ice.length; r++) {
            renderer.setSeriesPaint(r + 1, new Color(150, 150, 150, 90));
            renderer.setSeriesStroke(r + 1, new BasicStroke(0.8f));
        }
        plot.setRenderer(renderer);
        plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.REVERSE); // the average on top
        if (levels != null) {
            String[] labels = new String[levels.length];
            for (int g = 0; g < levels.length; g++) {
                labels[g] = text(levels[g]);
            }
            plot.setDomainAxis(new SymbolAxis(text(feature), labels));
        }
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return chart;
    }

    /**
     * A contribution waterfall: from the expected value (the mean over the background), each feature's contribution
     * as a bar from the running total, the largest first (raising ones in one colour, lowering ones in another), to
     * the prediction.
     */
    public static JFreeChart waterfall(String title, String output, double expected, double prediction,
            List<String> features, double[] contributions) {
        Integer[] order = new Integer[features.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(contributions[b]), Math.abs(contributions[a])));
        int n = order.length + 2;
        Number[][] starts = new Number[1][n];
        Number[][] ends = new Number[1][n];
        String[] categories = new String[n];
        java.awt.Paint[] paints = new java.awt.Paint[n];
        categories[0] = "expected " + format(expected);
        starts[0][0] = 0.0;
        ends[0][0] = expected;
        paints[0] = Color.GRAY;
        double running = expected;
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            double next = running + contributions[i];
            categories[k + 1] = text(features.get(i)) + " " + (contributions[i] >= 0 ? "+" : "") + format(contributions[i]);
            starts[0][k + 1] = Math.min(running, next);
            ends[0][k + 1] = Math.max(running, next);
            paints[k + 1] = contributions[i] >= 0 ? PALETTE[2] : PALETTE[1];
            running = next;
        }
        categories[n - 1] = "prediction " + format(prediction);
        starts[0][n - 1] = 0.0;
        ends[0][n - 1] = prediction;
        paints[n - 1] = PALETTE[0];
        org.jfree.data.category.DefaultIntervalCategoryDataset data = new org.jfree.data.category.DefaultIntervalCategoryDataset(
                new String[] {"contribution"}, categories, starts, ends);
        org.jfree.chart.axis.CategoryAxis axis = new org.jfree.chart.axis.CategoryAxis("feature");
        NumberAxis values = new NumberAxis(text(output));
        values.setAutoRangeIncludesZero(false);
        org.jfree.chart.renderer.category.IntervalBarRenderer renderer =
                new org.jfree.chart.renderer.category.IntervalBarRenderer() {
                    @Override
                    public java.awt.Paint getItemPaint(int row, int column) {
                        return paints[column];
                    }
                };
        org.jfree.chart.plot.CategoryPlot plot = new org.jfree.chart.plot.CategoryPlot(data, axis, values, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        JFreeChart chart = new JFreeChart(text(title), plot);
        chart.removeLegend();
        chart.addSubtitle(new org.jfree.chart.title.TextTitle("green raises, red lowers"));
        THEME.apply(chart);
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        renderer.setShadowVisible(false);
        renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        return chart;
    }

    /**
     * A reliability diagram: each line a set of bins (mean predicted probability against the observed fraction), with
     * the diagonal of perfect calibration.
     */
    public static JFreeChart reliability(String title, String predicted, String observed, List<Line> curves) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line curve : curves) {
            data.addSeries(series(curve.label(), curve.x(), curve.y()));
        }
        XYSeries perfect = new XYSeries("perfectly calibrated", false, true);
        perfect.add(0, 0);
        perfect.add(1, 1);
        data.addSeries(perfect);
        JFreeChart chart = ChartFactory.createXYLineChart(text(title), predicted, observed, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        XYLineAndShapeRenderer renderer = lines(curves.size() + 1, true);
        renderer.setSeriesPaint(curves.size(), Color.GRAY);
        renderer.setSeriesShapesVisible(curves.size(), false);
        renderer.setSeriesStroke(curves.size(), new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                10f, new float[] {6f, 4f}, 0f));
        plot.setRenderer(renderer);
        unitRange((NumberAxis) plot.getDomainAxis());
        unitRange((NumberAxis) plot.getRangeAxis());
        return chart;
    }

    /**
     * Precision, recall and F1 against the threshold, with a vertical line at each marked threshold (the model's, a
     * rule's choice) labelled with its name.
     */
    public static JFreeChart thresholds(String title, double[] threshold, double[] precision, double[] recall,
            double[] f1, java.util.Map<String, Double> marks) {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(series("precision", threshold, precision));
        data.addSeries(series("recall", threshold, recall));
        data.addSeries(series("F1", threshold, f1));
        JFreeChart chart = ChartFactory.createXYLineChart(text(title), "threshold (probability of the positive class)",
                "precision, recall, F1", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        plot.setRenderer(lines(3, false));
        int at = 0;
        for (java.util.Map.Entry<String, Double> mark : marks.entrySet()) {
            org.jfree.chart.plot.ValueMarker marker = new org.jfree.chart.plot.ValueMarker(mark.getValue());
            marker.setPaint(PALETTE[(3 + at++) % PALETTE.length]);
            marker.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {5f, 3f}, 0f));
            marker.setLabel(text(mark.getKey() + " " + format(mark.getValue())));
            marker.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
            marker.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
            plot.addDomainMarker(marker);
        }
        unitRange((NumberAxis) plot.getDomainAxis());
        unitRange((NumberAxis) plot.getRangeAxis());
        return chart;
    }

    /** A number for a legend: four decimals. */
    public static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static XYSeries series(String label, double[] x, double[] y) {
        XYSeries series = new XYSeries(text(label), false, true);
        for (int i = 0; i < x.length; i++) {
            series.add(x[i], y[i]);
        }
        return series;
    }

    private static XYLineAndShapeRenderer lines(int count, boolean shapes) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, shapes);
        for (int s = 0; s < count; s++) {
            renderer.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
            renderer.setSeriesStroke(s, new BasicStroke(2f));
        }
        return renderer;
    }

    private static XYPlot style(JFreeChart chart) {
        THEME.apply(chart);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        return plot;
    }

    private static void unitRange(NumberAxis axis) {
        axis.setRange(0, 1);
    }
}
