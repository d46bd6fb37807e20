package io.netforge.plot;

import java.util.List;
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
 * the size asked for; images of finished models and experiments never change, so they are kept (a cache bounded in
 * bytes, {@code netforge.plots.cache-bytes}) and may be cached by clients. Renders run a few at a time
 * ({@code netforge.plots.concurrent-renders}; a large PNG's raster is width x height x 4 bytes): past that a render
 * waits a moment, then is refused (503, Retry-After).
 */
@Component
public class PlotResponses {

    public static final int DEFAULT_WIDTH = 800;
    public static final int DEFAULT_HEIGHT = 600;

    private final com.github.benmanes.caffeine.cache.Cache<String, byte[]> cache;
    private final java.util.concurrent.Semaphore renders;

    PlotResponses(@org.springframework.beans.factory.annotation.Value("${netforge.plots.cache-bytes:16MB}")
            org.springframework.util.unit.DataSize cacheBytes,
            @org.springframework.beans.factory.annotation.Value("${netforge.plots.concurrent-renders:2}") int renders) {
        this.cache = com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumWeight(cacheBytes.toBytes())
                .<String, byte[]>weigher((key, bytes) -> key.length() * 2 + bytes.length).build();
        this.renders = new java.util.concurrent.Semaphore(renders);
    }

    /** Bytes the cached images take now. */
    long cachedBytes() {
        cache.cleanUp();
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

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
            bytes = render(chart, type, w, h);
        } else {
            String cacheKey = key + "|" + type + "|" + w + "x" + h;
            bytes = cache.getIfPresent(cacheKey);
            if (bytes == null) {
                bytes = render(chart, type, w, h);
                cache.put(cacheKey, bytes);
            }
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(type))
                .cacheControl(key == null ? CacheControl.noStore() : CacheControl.maxAge(java.time.Duration.ofHours(1)))
                .body(bytes);
    }

    private byte[] render(Supplier<JFreeChart> chart, String type, int width, int height) {
        try {
            if (!renders.tryAcquire(5, java.util.concurrent.TimeUnit.SECONDS)) {
                throw DomainException.unavailable("as many plots are being drawn as this instance draws at once"
                        + " (netforge.plots.concurrent-renders); try again", 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DomainException.unavailable("interrupted while waiting to draw", 2);
        }
        try {
            JFreeChart drawn = chart.get();
            return type.equals(ChartImages.PNG) ? ChartImages.png(drawn, width, height)
                    : ChartImages.svg(drawn, width, height);
        } finally {
            renders.release();
        }
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
