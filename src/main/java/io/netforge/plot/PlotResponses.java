package io.netforge.plot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jfree.chart.JFreeChart;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import io.netforge.problem.DomainException;

/**
 * Turns a chart into an HTTP answer: SVG by default, PNG for {@code Accept: image/png} (or {@code ?format=png}), at
 * the size asked for; images of finished models and experiments never change, so they are kept (a bounded LRU
 * cache) and may be cached by clients.
 */
@Component
public class PlotResponses {

    static final int CACHED_IMAGES = 256;
    public static final int DEFAULT_WIDTH = 800;
    public static final int DEFAULT_HEIGHT = 600;

    private final Map<String, byte[]> cache = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > CACHED_IMAGES;
        }
    });

    /**
     * @param key     names the chart (e.g. {@code model/<id>/roc}); null when it may still change (not cached)
     * @param accept  the request's Accept header, or null
     * @param format  {@code svg}, {@code png} or null (then Accept decides)
     */
    public ResponseEntity<byte[]> image(String key, Supplier<JFreeChart> chart, Integer width, Integer height,
            String accept, String format) {
        int w = size("width", width, DEFAULT_WIDTH);
        int h = size("height", height, DEFAULT_HEIGHT);
        String type = type(accept, format);
        byte[] bytes;
        if (key == null) {
            bytes = render(chart.get(), type, w, h);
        } else {
            String cacheKey = key + "|" + type + "|" + w + "x" + h;
            bytes = cache.get(cacheKey);
            if (bytes == null) {
                bytes = render(chart.get(), type, w, h);
                cache.put(cacheKey, bytes);
            }
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(type))
                .cacheControl(key == null ? CacheControl.noStore() : CacheControl.maxAge(java.time.Duration.ofHours(1)))
                .body(bytes);
    }

    private static byte[] render(JFreeChart chart, String type, int width, int height) {
        return type.equals(ChartImages.PNG) ? ChartImages.png(chart, width, height) : ChartImages.svg(chart, width, height);
    }

    private static int size(String field, Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < ChartImages.MIN_SIZE || value > ChartImages.MAX_SIZE) {
            throw DomainException.invalidField(field, "must be " + ChartImages.MIN_SIZE + " to " + ChartImages.MAX_SIZE
                    + " pixels, got " + value);
        }
        return value;
    }

    /** The image type: {@code format} if given, else the first of SVG and PNG that Accept takes (SVG for any). */
    static String type(String accept, String format) {
        if (format != null) {
            return switch (format.toLowerCase(java.util.Locale.ROOT)) {
                case "svg" -> ChartImages.SVG;
                case "png" -> ChartImages.PNG;
                default -> throw DomainException.invalidField("format", "must be svg or png, got '" + format + "'");
            };
        }
        if (accept == null || accept.isBlank()) {
            return ChartImages.SVG;
        }
        List<MediaType> accepted;
        try {
            accepted = MediaType.parseMediaTypes(accept);
        } catch (IllegalArgumentException e) {
            throw DomainException.invalidInput("Accept: '" + accept + "' is not a list of media types").with("field", "Accept");
        }
        // by quality, highest first; equal ones in the client's order
        accepted = new java.util.ArrayList<>(accepted);
        accepted.sort(java.util.Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        for (MediaType type : accepted) {
            if (type.getQualityValue() == 0) {
                continue;
            }
            if (type.includes(MediaType.parseMediaType(ChartImages.SVG))) {
                return ChartImages.SVG;
            }
            if (type.includes(MediaType.IMAGE_PNG)) {
                return ChartImages.PNG;
            }
        }
        throw DomainException.notAcceptable("plots are image/svg+xml or image/png;"
                + " Accept was '" + accept + "'").with("accepted", List.of(ChartImages.SVG, ChartImages.PNG));
    }
}
