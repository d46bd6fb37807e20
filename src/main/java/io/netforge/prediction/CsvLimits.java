package io.netforge.prediction;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits of CSV scoring ({@code netforge.prediction.csv.*}).
 *
 * @param maxBytes largest CSV body of {@code /predict} or {@code /invocations}; it is spooled to a temporary file
 */
@ConfigurationProperties("netforge.prediction.csv")
record CsvLimits(DataSize maxBytes) {

    CsvLimits {
        maxBytes = maxBytes == null ? DataSize.ofMegabytes(256) : maxBytes;
    }

    long maxCsvBytes() {
        return maxBytes.toBytes();
    }
}
