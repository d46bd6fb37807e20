package io.netforge.dataset.synthetic;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * scikit-learn's {@code make_classification} (Guyon's Madelon design), with its parameters and defaults, drawn from
 * our own seeded generator ({@link Draws}): the same parameters give the same data, though not scikit-learn's
 * numbers.
 *
 * <p>The algorithm, step by step as {@link #generate} runs it: {@code classes x clustersPerClass} distinct vertices
 * of the {@code informative}-dimensional hypercube with side {@code 2 classSep} become cluster centroids (on a
 * hypercube, or, with {@code hypercube} false, scaled randomly per cluster and per dimension); the rows are split
 * among the clusters by the class weights, cluster {@code k} holding class {@code k mod classes}; each row's
 * informative features are standard normal, multiplied by a random matrix of the cluster (a random covariance) and
 * moved to its centroid; redundant features are random linear combinations of the informative ones, repeated ones
 * copies of informative or redundant ones, the rest standard normal noise; a fraction {@code flipY} of the rows get a
 * random class (which may be their own); every feature is shifted and scaled; finally rows and columns are
 * shuffled.
 *
 * @param shift a value per feature (one value, or {@code null} for random ones uniform on [-classSep, classSep])
 * @param scale a factor per feature (one value, or {@code null} for random ones uniform on [1, 101])
 */
public record MakeClassification(int samples, int features, int informative, int redundant, int repeated,
        int classes, int clustersPerClass, double[] weights, double flipY, double classSep, boolean hypercube,
        double[] shift, double[] scale, boolean shuffle, long seed) {

    /** Most clusters ({@code classes x clustersPerClass}): each is a distinct hypercube vertex with its own matrix. */
    public static final int MAX_CLUSTERS = 10_000;

    public MakeClassification {
        positive("samples", samples);
        positive("features", features);
        positive("informative", informative);
        notNegative("redundant", redundant);
        notNegative("repeated", repeated);
        if ((long) informative + redundant + repeated > features) {
            throw new InvalidParameterException("features", "informative + redundant + repeated is "
                    + ((long) informative + redundant + repeated) + ", more than the " + features + " features");
        }
        if (classes < 2) {
            throw new InvalidParameterException("classes", "must be at least 2, got " + classes);
        }
        positive("clustersPerClass", clustersPerClass);
        long clusters = (long) classes * clustersPerClass;
        if (clusters > MAX_CLUSTERS) {
            throw new InvalidParameterException("clustersPerClass", "classes x clustersPerClass is " + clusters
                    + "; at most " + MAX_CLUSTERS);
        }
        // each cluster needs its own vertex: 2^informative of them
        if (informative < 63 && clusters > (1L << informative)) {
            throw new InvalidParameterException("informative", "classes x clustersPerClass (" + clusters
                    + ") must be at most 2^informative = " + (1L << informative));
        }
        weights = weights(weights, classes);
        if (!(flipY >= 0 && flipY <= 1)) {
            throw new InvalidParameterException("flipY", "must be between 0 and 1, got " + flipY);
        }
        if (!(classSep > 0) || Double.isInfinite(classSep)) {
            throw new InvalidParameterException("classSep", "must be a positive number, got " + classSep);
        }
        shift = perFeature("shift", shift, features);
        scale = perFeature("scale", scale, features);
    }

    /** scikit-learn's defaults: 100 samples, 20 features (2 informative, 2 redundant), 2 classes of 2 clusters. */
    public static MakeClassification defaults(long seed) {
        return new MakeClassification(100, 20, 2, 2, 0, 2, 2, null, 0.01, 1.0, true, new double[] {0.0},
                new double[] {1.0}, true, seed);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new InvalidParameterException(name, "must be at least 1, got " + value);
        }
    }

    private static void notNegative(String name, int value) {
        if (value < 0) {
            throw new InvalidParameterException(name, "must not be negative, got " + value);
        }
    }

    /** Class proportions: K of them, or K - 1 and the last is what remains to 1; equal when null. */
    private static double[] weights(double[] weights, int classes) {
        if (weights == null) {
            double[] equal = new double[classes];
            Arrays.fill(equal, 1.0 / classes);
            return equal;
        }
        if (weights.length != classes && weights.length != classes - 1) {
            throw new InvalidParameterException("weights", "give " + classes + " proportions (or " + (classes - 1)
                    + ", the last being the rest), got " + weights.length);
        }
        double[] all = Arrays.copyOf(weights, classes);
        double sum = 0;
        for (int k = 0; k < weights.length; k++) {
            if (!(weights[k] >= 0 && weights[k] <= 1)) {
                throw new InvalidParameterException("weights", "weights[" + k + "] must be between 0 and 1, got "
                        + weights[k]);
            }
            sum += weights[k];
        }
        if (sum > 1 + 1e-9) {
            throw new InvalidParameterException("weights", "the proportions add up to " + sum + ", more than 1");
        }
        if (weights.length == classes - 1) {
            all[classes - 1] = Math.max(0, 1 - sum);
        }
        return all;
    }

    private static double[] perFeature(String name, double[] values, int features) {
        if (values == null) {
            return null;
        }
        if (values.length != 1 && values.length != features) {
            throw new InvalidParameterException(name, "give one number, one per feature (" + features
                    + "), or \"random\"; got " + values.length + " numbers");
        }
        for (int j = 0; j < values.length; j++) {
            if (!Double.isFinite(values[j])) {
                throw new InvalidParameterException(name, "values must be finite numbers");
            }
        }
        if (values.length == 1) {
            double[] all = new double[features];
            Arrays.fill(all, values[0]);
            return all;
        }
        return values.clone();
    }

    /** What each generated column is, for tests and for whoever wants to check a dataset's design. */
    public enum Role {
        INFORMATIVE, REDUNDANT, REPEATED, USELESS
    }

    /**
     * The design behind the data: which output column plays which role, and the labels before flipping.
     *
     * @param roles          the role of each output column
     * @param repeatedFrom   for a REPEATED column, the output column it copies; -1 otherwise
     * @param unflipped      each row's class before {@code flipY}
     * @param flipped        the rows drawn for a random class (which may be their own)
     */
    public record Design(List<Role> roles, int[] repeatedFrom, int[] unflipped, boolean[] flipped) {

        public int[] columns(Role role) {
            return java.util.stream.IntStream.range(0, roles.size()).filter(j -> roles.get(j) == role).toArray();
        }
    }

    public record Generated(SyntheticData data, Design design) {
    }

    public Generated generate() {
        Draws draws = new Draws(seed);
        int n = samples;
        int f = features;
        int clusters = classes * clustersPerClass;
        int useless = f - informative - redundant - repeated;

        // rows per cluster by the class weights; what rounding leaves goes to the clusters in turn
        int[] perCluster = new int[clusters];
        long assigned = 0;
        for (int k = 0; k < clusters; k++) {
            perCluster[k] = (int) (n * weights[k % classes] / clustersPerClass);
            assigned += perCluster[k];
        }
        for (int i = 0; i < n - assigned; i++) {
            perCluster[i % clusters]++;
        }

        double[][] centroids = hypercubeVertices(clusters, informative, draws);
        for (double[] centroid : centroids) {
            for (int d = 0; d < informative; d++) {
                centroid[d] = centroid[d] * 2 * classSep - classSep;
            }
        }
        if (!hypercube) {
            double[] perCentroid = draws.uniform(clusters);
            double[] perDimension = draws.uniform(informative);
            for (int k = 0; k < clusters; k++) {
                for (int d = 0; d < informative; d++) {
                    centroids[k][d] = centroids[k][d] * perCentroid[k] * perDimension[d];
                }
            }
        }

        double[] x = new double[n * f];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < informative; d++) {
                x[i * f + d] = draws.standardNormal();
            }
        }
        // each cluster: x_i <- x_i A + centroid, with its own A uniform on [-1, 1)
        double[] row = new double[informative];
        int stop = 0;
        for (int k = 0; k < clusters; k++) {
            int start = stop;
            stop = start + perCluster[k];
            double[] a = new double[informative * informative];
            for (int e = 0; e < a.length; e++) {
                a[e] = 2 * draws.uniform() - 1;
            }
            for (int i = start; i < stop; i++) {
                y[i] = k % classes;
                System.arraycopy(x, i * f, row, 0, informative);
                for (int d = 0; d < informative; d++) {
                    double sum = 0;
                    for (int e = 0; e < informative; e++) {
                        sum += row[e] * a[e * informative + d];
                    }
                    x[i * f + d] = sum + centroids[k][d];
                }
            }
        }
        if (redundant > 0) {
            // redundant = informative B, B uniform on [-1, 1)
            double[] b = new double[informative * redundant];
            for (int e = 0; e < b.length; e++) {
                b[e] = 2 * draws.uniform() - 1;
            }
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < redundant; r++) {
                    double sum = 0;
                    for (int d = 0; d < informative; d++) {
                        sum += x[i * f + d] * b[d * redundant + r];
                    }
                    x[i * f + informative + r] = sum;
                }
            }
        }
        int[] repeatedSource = new int[repeated];
        if (repeated > 0) {
            int pool = informative + redundant;
            for (int r = 0; r < repeated; r++) {
                repeatedSource[r] = (int) ((pool - 1) * draws.uniform() + 0.5);
            }
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < repeated; r++) {
                    x[i * f + pool + r] = x[i * f + repeatedSource[r]];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int u = f - useless; u < f; u++) {
                x[i * f + u] = draws.standardNormal();
            }
        }
        int[] unflipped = y.clone();
        boolean[] flipped = new boolean[n];
        for (int i = 0; i < n; i++) {
            flipped[i] = draws.uniform() < flipY;
        }
        for (int i = 0; i < n; i++) {
            if (flipped[i]) {
                y[i] = draws.randint(classes);
            }
        }
        double[] shifts = shift;
        if (shifts == null) {
            shifts = new double[f];
            for (int j = 0; j < f; j++) {
                shifts[j] = (2 * draws.uniform() - 1) * classSep;
            }
        }
        double[] scales = scale;
        if (scales == null) {
            scales = new double[f];
            for (int j = 0; j < f; j++) {
                scales[j] = 1 + 100 * draws.uniform();
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                x[i * f + j] = (x[i * f + j] + shifts[j]) * scales[j];
            }
        }

        Role[] roles = new Role[f];
        int[] from = new int[f];
        Arrays.fill(from, -1);
        for (int j = 0; j < f; j++) {
            roles[j] = j < informative ? Role.INFORMATIVE : j < informative + redundant ? Role.REDUNDANT
                    : j < informative + redundant + repeated ? Role.REPEATED : Role.USELESS;
        }
        for (int r = 0; r < repeated; r++) {
            from[informative + redundant + r] = repeatedSource[r];
        }
        if (shuffle) {
            int[] rows = draws.permutation(n);
            double[] shuffled = new double[n * f];
            int[] shuffledY = new int[n];
            int[] shuffledUnflipped = new int[n];
            boolean[] shuffledFlipped = new boolean[n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(x, rows[i] * f, shuffled, i * f, f);
                shuffledY[i] = y[rows[i]];
                shuffledUnflipped[i] = unflipped[rows[i]];
                shuffledFlipped[i] = flipped[rows[i]];
            }
            x = shuffled;
            y = shuffledY;
            unflipped = shuffledUnflipped;
            flipped = shuffledFlipped;
            // output column j is column columns[j] of the design
            int[] columns = draws.permutation(f);
            double[] line = new double[f];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < f; j++) {
                    line[j] = x[i * f + columns[j]];
                }
                System.arraycopy(line, 0, x, i * f, f);
            }
            int[] position = new int[f];
            for (int j = 0; j < f; j++) {
                position[columns[j]] = j;
            }
            Role[] outRoles = new Role[f];
            int[] outFrom = new int[f];
            for (int j = 0; j < f; j++) {
                outRoles[j] = roles[columns[j]];
                outFrom[j] = from[columns[j]] < 0 ? -1 : position[from[columns[j]]];
            }
            roles = outRoles;
            from = outFrom;
        }
        return new Generated(new SyntheticData(x, y, f), new Design(List.of(roles), from, unflipped, flipped));
    }

    /**
     * {@code count} distinct vertices of the unit hypercube in {@code dimensions} dimensions, as 0/1 coordinates: the
     * last (up to) 30 coordinates are the bits of distinct numbers below 2^30, most significant first; any further
     * leading coordinates are independent random bits (vertices already differ in the last 30).
     */
    static double[][] hypercubeVertices(int count, int dimensions, Draws draws) {
        double[][] vertices = new double[count][dimensions];
        int lead = Math.max(0, dimensions - 30);
        int low = dimensions - lead;
        for (int k = 0; k < count; k++) {
            for (int d = 0; d < lead; d++) {
                vertices[k][d] = draws.randint(2);
            }
        }
        Set<Integer> taken = new HashSet<>();
        for (int k = 0; k < count; k++) {
            int number;
            do {
                number = draws.randint(1 << low);
            } while (!taken.add(number));
            for (int d = 0; d < low; d++) {
                vertices[k][lead + d] = (number >>> (low - 1 - d)) & 1;
            }
        }
        return vertices;
    }
}
