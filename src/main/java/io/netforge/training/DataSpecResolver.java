package io.netforge.training;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.netforge.dataset.DatasetColumn;
import io.netforge.dataset.DatasetInfo;
import io.netforge.network.NetworkSpecValidator;
import io.netforge.problem.DomainException;
import io.netforge.tabular.DataSpec;
import io.netforge.tabular.PreprocessingSpec;
import io.netforge.tabular.Task;
import tools.jackson.databind.JsonNode;

/**
 * Resolves a training request's label, task, features and preprocessing against its dataset(s): every column it
 * names must exist, the label must suit the task, every feature must have values; defaults are filled in. Fails
 * with a 400 naming the field, or a 422 naming the column, when the request cannot be trained.
 */
final class DataSpecResolver {

    private DataSpecResolver() {
    }

    /**
     * @param data      what to store with the job
     * @param validator what the network's validation needs to know of the data
     */
    record Resolved(DataSpec data, Task task, NetworkSpecValidator.Data validator) {
    }

    static Resolved resolve(TrainRequest request, DatasetInfo dataset, DatasetInfo testDataset) {
        return resolve(request, dataset, testDataset, null, "folds");
    }

    /**
     * With {@code folds}, the runs hold out one of that many stratified folds of the dataset as their test rows
     * (cross-validation); the request then has no test dataset or fraction.
     */
    static Resolved resolve(TrainRequest request, DatasetInfo dataset, DatasetInfo testDataset, Integer folds,
            String foldsField) {
        String labelName = request.label() == null ? dataset.label() : request.label().strip();
        DatasetColumn label = column(dataset, labelName, "label");
        if (label.text()) {
            throw DomainException.unprocessable("label: " + label.whyText() + "; it cannot be a label: name another"
                    + " column with \"label\"").with("field", "label").with("column", labelName);
        }
        if (!label.type().labelable()) {
            throw DomainException.unprocessable("label: column '" + labelName + "' holds " + label.type().id()
                    + " values, which are not a task (classes or a number to predict): name another column with"
                    + " \"label\"").with("field", "label").with("column", labelName);
        }
        Set<String> ignored = new HashSet<>(names(request.ignore(), dataset, "ignore"));
        if (ignored.contains(labelName)) {
            throw DomainException.invalidField("ignore", "names the label column '" + labelName + "'");
        }
        List<String> features = features(request, dataset, labelName, ignored);
        Task task = task(request.task(), label, dataset);
        PreprocessingSpec preprocessing = preprocessing(request.preprocessing());
        long inputs = 0;
        for (String name : features) {
            DatasetColumn column = dataset.column(name).orElseThrow();
            if (column.present(dataset.rows()) == 0) {
                throw DomainException.unprocessable("feature column '" + name + "' has no values: all " + dataset.rows()
                        + " of its cells are missing; leave it out with \"ignore\": [\"" + name + "\"]")
                        .with("column", name);
            }
            inputs += column.type().inputs(column.levels().size(), column.missing() > 0, preprocessing);
        }
        if (testDataset != null) {
            checkTestDataset(dataset, testDataset, label, features, task);
        }
        List<String> classes = task.classification() ? label.levels().stream().map(DatasetColumn.Level::value).toList()
                : List.of();
        long[] groups = task.classification() ? label.levels().stream().mapToLong(DatasetColumn.Level::count).toArray()
                : new long[] { label.present(dataset.rows()) };
        // a test split first, then folds of what it leaves (a search's runs may have both)
        if (request.testFraction() != null) {
            checkTestFraction(request.testFraction(), classes, groups, task);
            for (int g = 0; g < groups.length; g++) {
                groups[g] -= TrainingDataLoader.StratifiedSplit.testRowsOfClass(groups[g], request.testFraction());
            }
        }
        if (folds != null) {
            for (int g = 0; g < groups.length; g++) {
                if (groups[g] < folds) {
                    throw DomainException.unprocessable(foldsField + ": " + (task.classification()
                            ? "class '" + classes.get(g) + "' has only " + groups[g] + " training rows"
                            : "the label has only " + groups[g] + " training values") + "; " + folds
                            + " stratified folds need at least " + folds).with("field", foldsField);
                }
                groups[g] -= TrainingDataLoader.KFold.largestFold(groups[g], folds);
            }
        }
        return new Resolved(new DataSpec(labelName, task, features, preprocessing), task,
                new NetworkSpecValidator.Data((int) Math.min(inputs, Integer.MAX_VALUE), classes, groups));
    }

    private static DatasetColumn column(DatasetInfo dataset, String name, String field) {
        return dataset.column(name).orElseThrow(() -> {
            String detail = dataset.ignored().contains(name)
                    ? "column '" + name + "' was left out of the dataset at upload (ignore=)"
                    : "column '" + name + "' does not exist; the dataset's columns are " + describe(dataset.columnNames());
            return DomainException.invalidField(field, detail).with("column", name);
        });
    }

    /** The named columns, each of which must exist, without duplicates; empty when none are named. */
    private static List<String> names(List<String> requested, DatasetInfo dataset, String field) {
        if (requested == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            String name = requested.get(i);
            if (name == null || name.isBlank()) {
                throw DomainException.invalidField(field + "[" + i + "]", "must be a column name");
            }
            column(dataset, name.strip(), field + "[" + i + "]");
            if (names.contains(name.strip())) {
                throw DomainException.invalidField(field + "[" + i + "]", "names column '" + name.strip() + "' twice");
            }
            names.add(name.strip());
        }
        return names;
    }

    /** The features asked for, in the dataset's column order, or every column but the label and the ignored. */
    private static List<String> features(TrainRequest request, DatasetInfo dataset, String label, Set<String> ignored) {
        List<String> features;
        if (request.features() != null) {
            List<String> named = names(request.features(), dataset, "features");
            for (int i = 0; i < named.size(); i++) {
                if (named.get(i).equals(label)) {
                    throw DomainException.invalidField("features[" + i + "]", "names the label column '" + label
                            + "'; a model cannot learn its label from itself");
                }
                DatasetColumn column = dataset.column(named.get(i)).orElseThrow();
                if (column.text()) {
                    throw DomainException.unprocessable("features[" + i + "]: " + column.whyText() + "; leave it out"
                            + " of features (it is not a feature by default)").with("field", "features[" + i + "]")
                            .with("column", column.name());
                }
                if (ignored.contains(named.get(i))) {
                    throw DomainException.invalidField("features[" + i + "]", "column '" + named.get(i)
                            + "' is both in features and in ignore");
                }
            }
            features = dataset.columnNames().stream().filter(named::contains).toList();
            if (features.isEmpty()) {
                throw DomainException.invalidField("features", "must name at least one column");
            }
        } else {
            features = dataset.columns().stream().filter(c -> !c.text()).map(DatasetColumn::name)
                    .filter(n -> !n.equals(label) && !ignored.contains(n)).toList();
            if (features.isEmpty()) {
                List<String> text = dataset.columns().stream().filter(DatasetColumn::text).map(DatasetColumn::name)
                        .filter(n -> !ignored.contains(n)).toList();
                if (!text.isEmpty() && ignored.isEmpty()) {
                    throw DomainException.unprocessable("the dataset has no feature to train on: its columns are "
                            + describe(dataset.columnNames()) + ", '" + label + "' is the label and " + describe(text)
                            + (text.size() == 1 ? " is text" : " are text") + " (ids or free text)");
                }
                throw DomainException.invalidField("ignore", "leaves no feature to train on: the dataset's columns are "
                        + describe(dataset.columnNames()) + " and '" + label + "' is the label"
                        + (text.isEmpty() ? "" : "; " + describe(text) + (text.size() == 1 ? " is text" : " are text")));
            }
        }
        return features;
    }

    private static Task task(String requested, DatasetColumn label, DatasetInfo dataset) {
        Task task;
        if (requested == null) {
            task = Task.infer(label);
        } else {
            task = Task.byId(requested);
            if (task == null) {
                throw DomainException.invalidField("task", "must be one of " + Task.names() + ", got '"
                        + requested + "'");
            }
        }
        String name = label.name();
        long present = label.present(dataset.rows());
        if (label.distinctExact() && label.distinct() < 2) {
            String only = label.levels().isEmpty() ? "" : " '" + label.levels().get(0).value() + "',";
            throw DomainException.unprocessable("label column '" + name + "' has a single value," + only + " in all "
                    + present + (present == 1 ? " row" : " rows") + " that have one; a model needs at least two"
                    + " distinct label values").with("column", name);
        }
        task.checkLabel(label);
        return task;
    }

    private static PreprocessingSpec preprocessing(TrainRequest.PreprocessingRequest request) {
        if (request == null) {
            return PreprocessingSpec.DEFAULT;
        }
        String imputation = PreprocessingSpec.MEAN;
        Double fill = null;
        JsonNode requested = request.imputation();
        if (requested != null && !requested.isNull()) {
            if (requested.isNumber()) {
                fill = requested.asDouble();
                if (!Double.isFinite(fill)) {
                    throw DomainException.invalidField("preprocessing.imputation", "must be a finite number");
                }
                imputation = PreprocessingSpec.CONSTANT;
            } else if (requested.isString() && (requested.asString().equals(PreprocessingSpec.MEAN)
                    || requested.asString().equals(PreprocessingSpec.MEDIAN))) {
                imputation = requested.asString();
            } else {
                throw DomainException.invalidField("preprocessing.imputation", "must be \"mean\", \"median\" or a number,"
                        + " got " + requested);
            }
        }
        String unknown = request.unknownCategory() == null ? PreprocessingSpec.IGNORE : request.unknownCategory();
        if (!PreprocessingSpec.UNKNOWN_CATEGORY.contains(unknown)) {
            throw DomainException.invalidField("preprocessing.unknownCategory", "must be \"ignore\" or \"error\", got '"
                    + unknown + "'");
        }
        return new PreprocessingSpec(imputation, fill, Boolean.TRUE.equals(request.missingIndicators()), unknown);
    }

    private static void checkTestDataset(DatasetInfo dataset, DatasetInfo test, DatasetColumn label,
            List<String> features, Task task) {
        checkOtherDataset(dataset, test, label, features, task, "testDatasetId", "test dataset");
    }

    /**
     * A held-out dataset (rows that calibrate the model and choose its threshold) must have the label and features as
     * the training dataset has them, as a test dataset must.
     */
    static void checkHeldOutDataset(DatasetInfo dataset, DatasetInfo heldOut, DataSpec data) {
        DatasetColumn label = dataset.column(data.label()).orElseThrow();
        checkOtherDataset(dataset, heldOut, label, data.features(), data.task(), "heldOutDatasetId",
                "held-out dataset");
    }

    private static void checkOtherDataset(DatasetInfo dataset, DatasetInfo test, DatasetColumn label,
            List<String> features, Task task, String field, String what) {
        List<String> needed = new ArrayList<>(features);
        needed.add(0, label.name());
        for (String name : needed) {
            DatasetColumn theirs = test.column(name).orElseThrow(() -> DomainException.unprocessable(field + ": the"
                    + " " + what + " has no column '" + name + "'; its columns are " + describe(test.columnNames()))
                    .with("field", field).with("column", name));
            DatasetColumn ours = dataset.column(name).orElseThrow();
            boolean labelColumn = name.equals(label.name());
            if (!labelColumn && theirs.type() != ours.type()) {
                throw DomainException.unprocessable(field + ": column '" + name + "' is " + theirs.type().id()
                        + " in the " + what + " but " + ours.type().id() + " in the training dataset")
                        .with("field", field).with("column", name);
            }
        }
        DatasetColumn theirs = test.column(label.name()).orElseThrow();
        if (theirs.present(test.rows()) == 0) {
            throw DomainException.unprocessable(field + ": the " + what + "'s label column '" + label.name()
                    + "' has no values").with("field", field).with("column", label.name());
        }
        if (!task.classification() && theirs.categorical()) {
            throw DomainException.unprocessable(field + ": the " + what + "'s label column '" + label.name()
                    + "' is not numeric (row " + theirs.firstTextRow() + ")").with("field", field)
                    .with("column", label.name());
        }
        if (task.classification()) {
            if (!theirs.distinctExact()) {
                throw DomainException.unprocessable(field + ": the " + what + "'s label column '" + label.name()
                        + "' has more distinct values than the training dataset's classes").with("field", field);
            }
            for (DatasetColumn.Level level : theirs.levels()) {
                if (TrainingDataLoader.indexOfLevel(label.levels(), level) < 0) {
                    throw DomainException.unprocessable(field + ": the " + what + "'s label has the class '"
                            + level.value() + "', which the training dataset's label does not have; its classes are "
                            + describe(label.levels().stream().map(DatasetColumn.Level::value).toList()))
                            .with("field", field).with("column", label.name());
                }
            }
        }
    }

    private static void checkTestFraction(double fraction, List<String> classes, long[] groups, Task task) {
        if (!(fraction > 0 && fraction < 1)) {
            throw DomainException.invalidField("testFraction", "must be greater than 0 and less than 1, got " + fraction);
        }
        // a class of one row stays in the training rows (the model's warnings say so); some class must split
        if (java.util.Arrays.stream(groups).noneMatch(g -> g >= 2)) {
            throw DomainException.unprocessable(task.classification()
                    ? "testFraction: no class has 2 rows (" + describe(classes) + "); a split needs 2 rows of a class"
                    : "testFraction: the label has " + groups[0] + " value(s); a split needs at least 2 rows")
                    .with("field", "testFraction");
        }
    }

    private static String describe(List<String> names) {
        List<String> shown = names.size() <= 12 ? names : names.subList(0, 12);
        return String.join(", ", shown) + (names.size() > 12 ? ", ..." : "");
    }
}
