package io.netforge.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A handler's policy, declared beside it: who may call it, which rate limit counts it, whether it honours
 * {@code Idempotency-Key}, and which prediction protocol its latency is measured as. {@link Routes} reads it from the
 * handler Spring resolves for a request, so every spelling of a path gets its route's policy. Every handler method of
 * netforge has one (RoutesTest checks it).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Route {

    /** Who may call it. */
    Access access();

    /** The rate limit its calls count against, per API key. */
    Limit limit() default Limit.NONE;

    /** Whether a repeat with the same {@code Idempotency-Key} gets the first answer. */
    boolean idempotent() default false;

    /** The prediction protocol ({@code predict}, {@code csv}, {@code mlflow}, {@code v2}) its latency is measured as. */
    String protocol() default "";

    /** What its request body is, and so how large it may be ({@link BodyLimits}). */
    Body body() default Body.SMALL;

    /** Who may call a route, when API keys are on ({@code netforge.security.*}). */
    enum Access {
        /** Anyone, always: health, the dashboard's and API docs' files, the contract. */
        PUBLIC,
        /** A read: open, or scope {@code read} with {@code protect-reads}. */
        READ,
        /** The metrics scrape: open, or scope {@code read} with {@code protect-metrics}. */
        METRICS,
        /** A prediction (a POST that changes nothing): open, or scope {@code predict} with {@code protect-predict}. */
        PREDICT,
        /** A write that makes or changes something: scope {@code train}. */
        TRAIN,
        /** A delete, or the audit log: scope {@code admin}. */
        ADMIN
    }

    /** What a route's request body is, for its limit. */
    enum Body {
        /** A JSON request of a few fields, or no body: at most {@code netforge.limits.body.request-bytes}. */
        SMALL,
        /** Rows to predict, as JSON: at most {@code netforge.limits.body.rows-bytes}. */
        ROWS,
        /** A file the handler streams and bounds itself (an upload, a CSV to score, an npz to import). */
        STREAMED
    }

    /** Which of a key's rate limits a call counts against. */
    enum Limit {
        NONE,
        /** {@code netforge.security.rate-limit.predict-per-second}. */
        PREDICT,
        /** {@code netforge.security.rate-limit.train-per-minute}: work made (uploads, training, scorings, ...). */
        TRAIN
    }
}
