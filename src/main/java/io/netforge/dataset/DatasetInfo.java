package io.netforge.dataset;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What is known about a stored dataset without reading its rows.
 *
 * @param features feature column names in upload order: the order of a row at predict time
 * @param label    name of the label column
 * @param classes  the label's two classes; {@code classes.get(0)} is encoded 0 (negative) and
 *                 {@code classes.get(1)} is 1 (positive). Numeric labels sort numerically, others
 *                 by their text, so labels 0/1 map to themselves.
 * @param sha256   hex SHA-256 of the uploaded bytes, for model provenance
 */
public record DatasetInfo(UUID id, String name, Instant createdAt, long rows, List<String> features, String label,
        List<LabelClass> classes, boolean numericLabels, String sha256, long sizeBytes) {

    public DatasetInfo {
        features = List.copyOf(features);
        classes = List.copyOf(classes);
    }

    /**
     * A class value for a JSON answer: a number (exactly as uploaded, e.g. {@code 1} or {@code 0.5}) when the
     * labels are numeric, else the text.
     */
    public static Object jsonValue(String value, boolean numeric) {
        return numeric ? new java.math.BigDecimal(value) : value;
    }

    /** One label value as it appeared in the upload, and how many rows carry it. */
    public record LabelClass(String value, long count) {
    }
}
