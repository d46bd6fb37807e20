package io.netforge.prediction;

import java.io.IOException;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netforge.web.Route;
import io.netforge.web.Routes;
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

    private final MeterRegistry registry;
    private final Routes routes;

    PredictionMetricsFilter(MeterRegistry registry, Routes routes) {
        this.registry = registry;
        this.routes = routes;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return protocol(request).isEmpty();
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return true;
    }

    /** The protocol the route Spring serves the request by declares ({@link Route#protocol()}); empty for none. */
    private String protocol(HttpServletRequest request) {
        return routes.of(request).protocol();
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
