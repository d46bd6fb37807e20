package io.netforge.prediction;

import java.io.IOException;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The latency of every prediction request, as {@code netforge_predict_seconds} (a histogram, for quantiles in
 * Prometheus) tagged by {@code protocol} ({@code predict}, {@code csv}, {@code mlflow}, {@code v2}) and
 * {@code outcome} ({@code 2xx}, {@code 4xx}, {@code 5xx}): from the request's arrival to its last byte.
 */
@Component
class PredictionMetricsFilter extends OncePerRequestFilter {

    private static final Pattern PREDICT = Pattern.compile("/models/[^/]+/predict/?");
    private static final Pattern INVOCATIONS = Pattern.compile("/models/[^/]+/invocations/?");
    private static final Pattern V2 = Pattern.compile("/v2/models/[^/]+(/versions/[^/]+)?/infer/?");

    private final MeterRegistry registry;

    PredictionMetricsFilter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || protocol(request) == null;
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return true;
    }

    private static String protocol(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (PREDICT.matcher(path).matches()) {
            String type = request.getContentType();
            return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("text/csv") ? "csv" : "predict";
        }
        if (INVOCATIONS.matcher(path).matches()) {
            return "mlflow";
        }
        return V2.matcher(path).matches() ? "v2" : null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            Timer.builder("netforge.predict").description("Prediction requests, arrival to answer")
                    .tag("protocol", protocol(request)).tag("outcome", (response.getStatus() / 100) + "xx")
                    .publishPercentileHistogram().register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
