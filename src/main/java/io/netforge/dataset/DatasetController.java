package io.netforge.dataset;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.netforge.problem.DomainException;
import io.netforge.web.Route;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Upload, list, show and delete datasets. Parsing and storage live in {@link DatasetStore}. */
@RestController
@RequestMapping("/datasets")
class DatasetController {

    static final String TEXT_CSV = "text/csv";
    static final String PARQUET = "application/vnd.apache.parquet";

    private static final Set<String> UTF8_CHARSETS = Set.of("utf-8", "utf8", "us-ascii");

    private final DatasetStore store;
    private final SyntheticDatasets synthetic;
    private final JsonMapper json;
    private final DatasetMetrics metrics;
    private final DatasetProperties properties;

    DatasetController(DatasetStore store, SyntheticDatasets synthetic, JsonMapper json, DatasetMetrics metrics,
            DatasetProperties properties) {
        this.store = store;
        this.synthetic = synthetic;
        this.json = json;
        this.metrics = metrics;
        this.properties = properties;
    }

    /**
     * How to read an upload, from query parameters or multipart form fields: the list parameters take
     * comma-separated names, or the parameter repeated.
     */
    record ReadOptions(String label, String delimiter, List<String> categorical, List<String> ignore,
            List<String> missing, List<String> dates, String decimal) {

        CsvDatasetParser.Options parserOptions() {
            return new CsvDatasetParser.Options(label, delimiter, categorical, ignore, missing, dates, decimal);
        }
    }

    /** A generated training dataset and its test dataset. */
    record TrainTest(DatasetResponse train, DatasetResponse test) {
    }

    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN, idempotent = true, body = Route.Body.STREAMED)
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<DatasetResponse> uploadFile(@RequestParam(required = false) MultipartFile file,
            @RequestParam(required = false) String name, ReadOptions options) throws IOException {
        if (file == null) {
            throw DomainException.invalidField("file", "missing; send the CSV as the multipart file part 'file'");
        }
        if (isParquet(file.getOriginalFilename(), file.getContentType())) {
            java.nio.file.Path spooled = java.nio.file.Files.createTempFile("netforge-upload-", ".parquet");
            try {
                try (var in = file.getInputStream()) {
                    java.nio.file.Files.copy(in, spooled, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                return created(metrics.record(() -> store.createTable(new ParquetTable(spooled, "file"), "file",
                        file.getOriginalFilename(), name, options.parserOptions())));
            } finally {
                java.nio.file.Files.deleteIfExists(spooled);
            }
        }
        boolean gzip = Gzip.isGzipPart(file.getOriginalFilename(), file.getContentType());
        var body = gzip ? Gzip.inflate(file.getInputStream(), "file") : file.getInputStream();
        // a dataset from data.csv.gz is named as one from data.csv would be
        String fileName = gzip ? Gzip.withoutSuffix(file.getOriginalFilename()) : file.getOriginalFilename();
        return created(metrics.record(() -> store.create(new DatasetStore.Upload("file", body, file.getSize(),
                fileName, name, options.parserOptions()))));
    }

    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN, idempotent = true, body = Route.Body.STREAMED)
    @PostMapping(consumes = TEXT_CSV)
    ResponseEntity<DatasetResponse> uploadBody(@RequestParam(required = false) String name, ReadOptions options,
            @RequestHeader("Content-Type") MediaType contentType, HttpServletRequest request) throws IOException {
        boolean gzip = Gzip.isGzipEncoding(request.getHeader("Content-Encoding"));
        String charset = contentType.getParameter("charset");
        if (charset != null && !UTF8_CHARSETS.contains(charset.replace("\"", "").toLowerCase(Locale.ROOT))) {
            throw DomainException.unsupportedMediaType("Content-Type '" + contentType + "': only UTF-8 is accepted; "
                    + "send text/csv or text/csv;charset=utf-8").with("accepted", List.of("multipart/form-data", TEXT_CSV));
        }
        java.nio.file.Path spooled = spool(request);
        try (var spool = java.nio.file.Files.newInputStream(spooled);
                var body = gzip ? Gzip.inflate(spool, "request body") : spool) {
            return created(metrics.record(() -> store.create(new DatasetStore.Upload("request body", body,
                    request.getContentLengthLong(), null, name, options.parserOptions()))));
        } finally {
            java.nio.file.Files.deleteIfExists(spooled);
        }
    }

    /** An Apache Parquet file as the request body; read from a spool file (its footer is at its end). */
    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN, idempotent = true, body = Route.Body.STREAMED)
    @PostMapping(consumes = PARQUET)
    ResponseEntity<DatasetResponse> uploadParquet(@RequestParam(required = false) String name, ReadOptions options,
            HttpServletRequest request) throws IOException {
        java.nio.file.Path spooled = spool(request);
        try {
            return created(metrics.record(() -> store.createTable(new ParquetTable(spooled, "request body"),
                    "request body", null, name, options.parserOptions())));
        } finally {
            java.nio.file.Files.deleteIfExists(spooled);
        }
    }

    /**
     * The request body in a file of its own, received whole before it is parsed and stored (a slow client holds no
     * database connection): a declared length over the upload limit is a 413 before a byte is read, and so is a
     * body that crosses it.
     */
    private java.nio.file.Path spool(HttpServletRequest request) throws IOException {
        long maxBytes = properties.maxUploadBytes().toBytes();
        if (request.getContentLengthLong() > maxBytes) {
            throw DatasetStore.tooLarge("request body", request.getContentLengthLong(), maxBytes);
        }
        return io.netforge.web.Spool.receive(request.getInputStream(), maxBytes, properties.uploadTimeout(),
                most -> DomainException.tooLarge("the upload is larger than the limit of " + most + " bytes")
                        .with("limitBytes", most));
    }

    /** Whether a multipart file part is Parquet: its name ends in {@code .parquet} or its type says so. */
    static boolean isParquet(String fileName, String contentType) {
        return (fileName != null && fileName.toLowerCase(Locale.ROOT).endsWith(".parquet"))
                || (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(PARQUET));
    }

    /**
     * Generates a dataset (scikit-learn's make_classification, make_moons or make_circles, seeded): 201 with the
     * dataset, or with {@code testFraction} {@code {"train": ..., "test": ...}}.
     */
    @Route(access = Route.Access.TRAIN, limit = Route.Limit.TRAIN, idempotent = true)
    @PostMapping(path = "/synthetic", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JsonNode> generate(@RequestBody SyntheticRequest request) {
        SyntheticDatasets.Made made = synthetic.create(request);
        metrics.stored(made.train());
        if (made.test() != null) {
            metrics.stored(made.test());
        }
        Object body = made.test() == null ? DatasetResponse.of(made.train())
                : new TrainTest(DatasetResponse.of(made.train()), DatasetResponse.of(made.test()));
        // one of two shapes, as openapi.yaml's oneOf says
        return ResponseEntity.created(URI.create("/datasets/" + made.train().id())).body(json.valueToTree(body));
    }

    static final int MAX_LIMIT = 1000;

    /** Newest first, a page of {@code limit}; the next page's address in {@code Link: <...>; rel="next"}. */
    @Route(access = Route.Access.READ)
    @GetMapping
    List<DatasetResponse> list(@RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) String after, jakarta.servlet.http.HttpServletResponse response) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw DomainException.invalidField("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        java.time.Instant beforeCreatedAt = null;
        UUID beforeId = null;
        if (after != null) {
            List<String> parts = io.netforge.web.Cursors.decode(after, "datasets", 2);
            try {
                beforeCreatedAt = java.time.Instant.parse(parts.get(0));
                beforeId = UUID.fromString(parts.get(1));
            } catch (RuntimeException e) {
                throw DomainException.invalidField("after", "is not a cursor of this list");
            }
        }
        List<DatasetInfo> found = store.list(limit, beforeCreatedAt, beforeId);
        if (found.size() > limit) {
            found = found.subList(0, limit);
            DatasetInfo last = found.get(limit - 1);
            response.setHeader(org.springframework.http.HttpHeaders.LINK, io.netforge.web.Cursors.nextLink(
                    io.netforge.web.Cursors.encode("datasets", last.createdAt(), last.id())));
        }
        return found.stream().map(DatasetResponse::summary).toList();
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/{id}")
    DatasetResponse get(@PathVariable UUID id) {
        return store.find(id).map(DatasetResponse::of).orElseThrow(() -> DomainException.notFound("dataset", id));
    }

    @Route(access = Route.Access.ADMIN)
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable UUID id) {
        store.delete(id);
    }

    private static ResponseEntity<DatasetResponse> created(DatasetInfo info) {
        return ResponseEntity.created(URI.create("/datasets/" + info.id())).body(DatasetResponse.of(info));
    }
}
