package io.netforge.prediction;

import java.util.UUID;

import org.springframework.stereotype.Component;

import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.DatasetStore;
import io.netforge.model.ModelRepository;
import io.netforge.model.ModelView;
import io.netforge.problem.DomainException;

/**
 * A stored dataset's labelled rows to run a model over for a curve of it (thresholds, residuals): the dataset named,
 * else the model's test dataset, else its training dataset; bounded before they are read; refused when none has a
 * label.
 */
@Component
class LabelledRows {

    /** Rows one request may run through the model. */
    static final long MAX_ROWS = 1_000_000;

    /** @param datasetId the dataset they were read from */
    record Rows(UUID datasetId, Explanations.Labelled data) {
    }

    private final Explanations explanations;
    private final ModelRepository models;
    private final DatasetStore datasets;

    LabelledRows(Explanations explanations, ModelRepository models, DatasetStore datasets) {
        this.explanations = explanations;
        this.models = models;
        this.datasets = datasets;
    }

    /**
     * @param datasetId the request's {@code datasetId}, or null for the model's own
     * @param purpose   what they are for, in the 413's message ({@code thresholds})
     */
    Rows of(UUID modelId, LoadedModel model, UUID datasetId, String purpose) {
        ModelView view = models.getView(modelId);
        UUID rowsOf = datasetId != null ? datasetId : view.testDatasetId() != null ? view.testDatasetId()
                : view.datasetId();
        DatasetInfo dataset = datasets.find(rowsOf).orElseThrow(() -> DomainException.notFound("dataset", rowsOf)
                .with("field", "datasetId"));
        if (dataset.rows() > MAX_ROWS) {
            throw DomainException.tooLarge("datasetId: " + dataset.rows() + " rows; at most " + MAX_ROWS
                    + " are run through the model for " + purpose).with("field", "datasetId");
        }
        Explanations.Labelled data = explanations.read(model, rowsOf);
        if (data.rows().length == 0) {
            throw DomainException.unprocessable("dataset " + rowsOf + " has no row with a label")
                    .with("field", "datasetId");
        }
        return new Rows(rowsOf, data);
    }
}
