package io.netforge.dataset;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits on uploaded datasets ({@code netforge.datasets.*}).
 *
 * @param maxUploadBytes largest CSV (multipart part or text/csv body); larger ones get 413
 * @param maxColumns     most columns (features plus the label) a CSV may have
 */
@ConfigurationProperties("netforge.datasets")
record DatasetProperties(DataSize maxUploadBytes, int maxColumns) {
}
