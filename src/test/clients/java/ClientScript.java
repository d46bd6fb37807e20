import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import io.netforge.client.ApiClient;
import io.netforge.client.api.DatasetsApi;
import io.netforge.client.api.ModelsApi;
import io.netforge.client.api.PredictionsApi;
import io.netforge.client.model.Dataset;
import io.netforge.client.model.Model;
import io.netforge.client.model.ModelStatus;
import io.netforge.client.model.NetworkRequest;
import io.netforge.client.model.PredictRequest;
import io.netforge.client.model.PredictRequestRowsInnerInner;
import io.netforge.client.model.PredictResponse;
import io.netforge.client.model.Prediction;
import io.netforge.client.model.TrainRequest;

/**
 * What a Java user of the generated client (openapi-generator, java / native, unmodified) does: upload a CSV, train
 * the article's [8, 3] network with a seed beyond 32 bits, wait, predict the first rows. Prints "model <id>", then
 * one "<probability> <label>" line per row. Arguments: the service's base URI, the CSV (features, then the label).
 */
public class ClientScript {

    public static void main(String[] args) throws Exception {
        ApiClient client = new ApiClient();
        client.updateBaseUri(args[0]);
        File csv = new File(args[1]);

        Dataset dataset = new DatasetsApi(client).uploadDataset(csv, null, "java-client", null, null, null, null, null, null, null);
        ModelsApi models = new ModelsApi(client);
        long seed = 1L << 32;
        Model model = models.trainModel(new TrainRequest().datasetId(dataset.getId()).name("java-client")
                .network(new NetworkRequest().hiddenLayers(List.of(8, 3)).maxIterations(300).seed(seed)), null);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (model.getStatus() == ModelStatus.QUEUED || model.getStatus() == ModelStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("model " + model.getId() + " still " + model.getStatus());
            }
            Thread.sleep(100);
            model = models.getModel(model.getId().toString());
        }
        if (model.getStatus() != ModelStatus.SUCCEEDED || model.getNetwork().getSeed() != seed) {
            throw new IllegalStateException("model " + model.getId() + " is " + model.getStatus() + ", seed "
                    + model.getNetwork().getSeed());
        }

        List<String> lines = Files.readAllLines(csv.toPath());
        PredictRequest request = new PredictRequest();
        for (String line : lines.subList(1, Math.min(lines.size(), 21))) {
            String[] cells = line.split(",");
            List<PredictRequestRowsInnerInner> row = new ArrayList<>();
            for (int i = 0; i < cells.length - 1; i++) {
                row.add(new PredictRequestRowsInnerInner(new BigDecimal(cells[i])));
            }
            request.addRowsItem(row);
        }
        PredictResponse answer = new PredictionsApi(client).predict(model.getId().toString(), request, null, null, null);
        System.out.println("model " + model.getId());
        for (Prediction p : answer.getPredictions()) {
            System.out.println(p.getProbability() + " " + p.getLabel().getActualInstance());
        }
    }
}
