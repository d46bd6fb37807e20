package io.netforge.dataset;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits and defaults of uploaded datasets ({@code netforge.datasets.*}).
 *
 * @param maxUploadBytes largest CSV (multipart part or text/csv body); larger ones get 413
 * @param maxColumns     most columns a CSV may have
 * @param maxLevels      most distinct values of a categorical column; more get 422 (suggesting {@code ignore=})
 * @param missingValues  the tokens that mark a missing cell (compared without case), besides an empty cell;
 *                       an upload may give its own with {@code missing=}
 * @param syntheticMaxCells most cells (rows x (features + 1)) of one {@code POST /datasets/synthetic}: generated
 *                          data is held in memory (8 bytes a cell) until it is stored
 * @param uploadTimeout  longest a CSV body may take to arrive (it is received into a file first, holding no database
 *                       connection; a stalled one is dropped by {@code server.tomcat.connection-timeout})
 */
@ConfigurationProperties("netforge.datasets")
record DatasetProperties(DataSize maxUploadBytes, int maxColumns, Integer maxLevels, List<String> missingValues,
        Long syntheticMaxCells, java.time.Duration uploadTimeout) {

    static final int DEFAULT_MAX_LEVELS = 1000;

    static final long DEFAULT_SYNTHETIC_MAX_CELLS = 4_000_000;

    DatasetProperties {
        maxLevels = maxLevels == null ? DEFAULT_MAX_LEVELS : maxLevels;
        syntheticMaxCells = syntheticMaxCells == null ? DEFAULT_SYNTHETIC_MAX_CELLS : syntheticMaxCells;
        missingValues = missingValues == null ? CsvDatasetParser.DEFAULT_MISSING : List.copyOf(missingValues);
        uploadTimeout = uploadTimeout == null ? java.time.Duration.ofMinutes(10) : uploadTimeout;
    }
}
