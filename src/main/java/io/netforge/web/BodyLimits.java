package io.netforge.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * How large a request body may be, by what its route takes ({@link Route.Body}); configuration
 * {@code netforge.limits.body.*}. Files (uploads, CSVs to score, npz imports) have limits of their own.
 *
 * @param requestBytes  a JSON request of a few fields (training, experiments, ...), or a request without a body
 * @param rowsBytes     rows to predict as JSON (/predict, MLflow, KServe V2): about max-rows rows of a few hundred
 *                      features
 * @param inFlightBytes the JSON bodies every request together may have sent and not yet been answered; a body that
 *                      would pass it waits a moment, then gets 503 with Retry-After. Parsed JSON takes several
 *                      times its bytes of heap: this bounds it, whatever many clients send at once
 */
@ConfigurationProperties("netforge.limits.body")
public record BodyLimits(DataSize requestBytes, DataSize rowsBytes, DataSize inFlightBytes) {

    public BodyLimits {
        requestBytes = requestBytes == null ? DataSize.ofMegabytes(1) : requestBytes;
        rowsBytes = rowsBytes == null ? DataSize.ofMegabytes(16) : rowsBytes;
        inFlightBytes = inFlightBytes == null ? DataSize.ofMegabytes(48) : inFlightBytes;
        if (inFlightBytes.toBytes() < Math.max(requestBytes.toBytes(), rowsBytes.toBytes())) {
            throw new IllegalArgumentException("netforge.limits.body.in-flight-bytes (" + inFlightBytes
                    + ") must be at least the largest body limit");
        }
    }

    /** The most bytes a body of this kind may have; -1 for a body its handler bounds itself. */
    long of(Route.Body body) {
        return switch (body) {
            case SMALL -> requestBytes.toBytes();
            case ROWS -> rowsBytes.toBytes();
            case STREAMED -> -1;
        };
    }
}
