package io.netforge.dataset;

import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netforge.problem.DomainException;

/**
 * Dataset uploads as metrics: {@code netforge_dataset_uploads_total}, {@code netforge_dataset_upload_bytes_total},
 * {@code netforge_dataset_upload_rows_total}, and {@code netforge_dataset_upload_rejections_total{reason}} (the
 * answer's status: 400, 413, 415, 422).
 */
@Component
class DatasetMetrics {

    private final MeterRegistry registry;
    private final Counter uploads;
    private final Counter bytes;
    private final Counter rows;

    DatasetMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.uploads = Counter.builder("netforge.dataset.uploads").description("Datasets stored (uploads and generated)")
                .register(registry);
        this.bytes = Counter.builder("netforge.dataset.upload.bytes").description("Bytes of stored datasets' CSV")
                .register(registry);
        this.rows = Counter.builder("netforge.dataset.upload.rows").description("Rows of stored datasets")
                .register(registry);
    }

    /** Runs an upload, counting what it stored or why it was refused. */
    DatasetInfo record(Supplier<DatasetInfo> upload) {
        try {
            DatasetInfo info = upload.get();
            stored(info);
            return info;
        } catch (DomainException e) {
            Counter.builder("netforge.dataset.upload.rejections").description("Uploads refused, by the answer's status")
                    .tag("reason", Integer.toString(io.netforge.web.Problems.status(e.kind()).value())).register(registry).increment();
            throw e;
        }
    }

    void stored(DatasetInfo info) {
        uploads.increment();
        bytes.increment(info.sizeBytes());
        rows.increment(info.rows());
    }
}
