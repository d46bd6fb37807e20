package io.netforge.dataset;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A dataset as the API shows it.
 *
 * @param classes the label's two classes in code order (index 0 is class 0); a value is a JSON number when
 *                both labels are numbers (as written, e.g. {@code 1} or {@code 0.5}), else a string
 */
record DatasetResponse(UUID id, String name, Instant createdAt, long rows, List<String> features, String label,
        List<ClassCount> classes, long sizeBytes, String sha256) {

    record ClassCount(Object value, long count) {
    }

    static DatasetResponse of(DatasetInfo info) {
        List<ClassCount> classes = info.classes().stream()
                .map(c -> new ClassCount(DatasetInfo.jsonValue(c.value(), info.numericLabels()), c.count()))
                .toList();
        return new DatasetResponse(info.id(), info.name(), info.createdAt(), info.rows(), info.features(), info.label(),
                classes, info.sizeBytes(), info.sha256());
    }
}
