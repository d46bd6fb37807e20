package io.netforge.export;

import java.util.Locale;
import java.util.UUID;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.job.JobStatus;
import io.netforge.model.ModelReferences;
import io.netforge.model.ModelRepository;
import io.netforge.model.ModelView;
import io.netforge.model.StoredModel;
import io.netforge.problem.DomainException;
import io.netforge.training.TrainingService;
import io.netforge.web.Route;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /models/{id}/export?format=npz|json|onnx}: a finished model as arrays for numpy and other runtimes, or
 * as one ONNX graph of the whole pipeline.
 */
@RestController
class ExportController {

    static final String NPZ = "application/octet-stream";

    private final ModelRepository models;
    private final JsonMapper json;
    private final TrainingService training;

    private final ModelReferences references;
    private final io.netforge.network.NetworkSpecValidator validator;
    private final io.netforge.network.NetworkLimits limits;
    private final java.time.Duration uploadTimeout;

    ExportController(ModelRepository models, JsonMapper json, TrainingService training, ModelReferences references,
            io.netforge.network.NetworkSpecValidator validator, io.netforge.network.NetworkLimits limits,
            @org.springframework.beans.factory.annotation.Value("${netforge.datasets.upload-timeout:10m}")
            java.time.Duration uploadTimeout) {
        this.uploadTimeout = uploadTimeout;
        this.validator = validator;
        this.limits = limits;
        this.training = training;
        this.references = references;
        this.models = models;
        this.json = json;
    }

    /** The largest npz {@code POST /models/import} reads. */
    static final long MAX_IMPORT_BYTES = 64L * 1024 * 1024;

    /**
     * Serves an npz that netforge exported as a new model, the next version of its name ({@code ?name=} gives
     * another): its predictions are the exported model's, bit for bit.
     */
    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN, body = Route.Body.STREAMED)
    @PostMapping(path = "/models/import", consumes = {NPZ, "application/zip", "application/x-npz"})
    ResponseEntity<ModelView> importModel(@RequestParam(required = false) String name, HttpServletRequest request)
            throws java.io.IOException {
        if (request.getContentLengthLong() > MAX_IMPORT_BYTES) {
            throw DomainException.tooLarge("an import is at most " + MAX_IMPORT_BYTES / (1024 * 1024) + " MB");
        }
        // received into a file, bounded in size and time, never held in the heap whole
        java.nio.file.Path body = io.netforge.web.Spool.receive(request.getInputStream(), MAX_IMPORT_BYTES,
                uploadTimeout, most -> DomainException.tooLarge("an import is at most " + most / (1024 * 1024)
                        + " MB"));
        if (java.nio.file.Files.size(body) == 0) {
            java.nio.file.Files.deleteIfExists(body);
            throw DomainException.invalidInput("the body is empty: send the npz of GET /models/{id}/export?format=npz");
        }
        StoredModel model;
        try (Npz npz = Npz.open(body)) {
            model = new ModelImport(json, validator, limits).read(npz, name);
        }
        ModelView view = training.register(model);
        return ResponseEntity.created(java.net.URI.create("/models/" + view.id())).body(view);
    }

    @Route(access = Route.Access.READ)
    @GetMapping(path = "/models/{id}/export", produces = {NPZ, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<byte[]> export(@PathVariable("id") String reference, @RequestParam(defaultValue = "npz") String format) {
        UUID id = references.resolve(reference, "id");
        String kind = format.toLowerCase(Locale.ROOT);
        if (!kind.equals("npz") && !kind.equals("json") && !kind.equals("onnx")) {
            throw DomainException.invalidField("format", "must be npz, json or onnx, got '" + format + "'");
        }
        if (models.getView(id).status() != JobStatus.SUCCEEDED) {
            throw DomainException.conflict("model " + id + " is " + models.getView(id).status()
                    + "; a model can be exported once it has SUCCEEDED");
        }
        StoredModel stored = models.findArtifact(id).orElseThrow(() -> DomainException.notFound("model", id));
        ModelExport export = new ModelExport(stored);
        byte[] body = switch (kind) {
            case "npz" -> export.npz(json);
            case "onnx" -> new OnnxExport(stored, export.header()).bytes(json);
            default -> json.writeValueAsBytes(export.json());
        };
        return ResponseEntity.ok()
                .contentType(kind.equals("json") ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_OCTET_STREAM)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(export.fileName(kind)).build().toString())
                .body(body);
    }
}
