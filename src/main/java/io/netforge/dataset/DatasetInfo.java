package io.netforge.dataset;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What is known about a stored dataset without reading its rows.
 *
 * @param columns   the stored columns in upload order, profiled
 * @param label     the label column named at upload (else the last stored column): the default for training
 * @param delimiter the delimiter of the upload
 * @param ignored   columns left out at upload (not stored)
 * @param missing   the tokens that counted as missing values (besides an empty cell)
 * @param sha256    hex SHA-256 of the uploaded bytes, for model provenance
 * @param contentSha256 hex SHA-256 of the stored table ({@code ContentHash}): the same for the same typed cells in
 *                  any file format; null for datasets stored before it was computed
 */
public record DatasetInfo(UUID id, String name, Instant createdAt, long rows, List<DatasetColumn> columns, String label,
        char delimiter, List<String> ignored, List<String> missing, String sha256, long sizeBytes,
        String contentSha256) {

    public DatasetInfo {
        columns = List.copyOf(columns);
        ignored = List.copyOf(ignored);
        missing = List.copyOf(missing);
    }

    /** The stored column of this name. */
    public Optional<DatasetColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<String> columnNames() {
        return columns.stream().map(DatasetColumn::name).toList();
    }

    /** Every stored column but the default label, in upload order. */
    public List<String> features() {
        return columns.stream().filter(c -> !c.text()).map(DatasetColumn::name).filter(n -> !n.equals(label)).toList();
    }

    /** The default label column. */
    public DatasetColumn labelColumn() {
        return column(label).orElseThrow();
    }
}
