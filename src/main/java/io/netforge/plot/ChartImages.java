package io.netforge.plot;

import java.awt.Dimension;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.w3c.dom.Document;

/** Renders a chart as SVG (Batik's SVG Graphics2D over the JDK's DOM) or PNG (the JDK's ImageIO). */
public final class ChartImages {

    public static final String SVG = "image/svg+xml";
    public static final String PNG = "image/png";

    /** The smallest and largest width or height a client may ask for, in pixels. */
    public static final int MIN_SIZE = 100;
    public static final int MAX_SIZE = 4000;

    private ChartImages() {
    }

    public static byte[] svg(JFreeChart chart, int width, int height) {
        try {
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().getDOMImplementation()
                    .createDocument("http://www.w3.org/2000/svg", "svg", null);
            // text inherits the root's font: a generic family a browser has, not Java's logical 'Dialog'
            SVGGeneratorContext context = SVGGeneratorContext.createDefault(document);
            SVGGeneratorContext.GraphicContextDefaults defaults = new SVGGeneratorContext.GraphicContextDefaults();
            defaults.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            context.setGraphicContextDefaults(defaults);
            SVGGraphics2D graphics = new SVGGraphics2D(context, false);
            graphics.setSVGCanvasSize(new Dimension(width, height));
            chart.draw(graphics, new Rectangle2D.Double(0, 0, width, height));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                graphics.stream(writer, true);
            }
            graphics.dispose();
            return out.toByteArray();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no XML DOM implementation", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] png(JFreeChart chart, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
