package io.netforge.prediction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Partial dependence and ICE by brute force, on scikit-learn's grid ({@code partial_dependence(method="brute",
 * kind="both")}): for each grid value v of a feature, every row with that feature set to v goes through the model;
 * ICE is each row's outputs along the grid, PD their mean. The grid is scikit-learn's {@code _grid_from_X}: the
 * sorted distinct values of a numeric feature with fewer than {@code gridResolution} of them, else
 * {@code gridResolution} evenly spaced values (numpy's linspace) between two percentiles by scipy's
 * {@code mquantiles} (alphap = betap = 0.4); the levels of a categorical feature, ordered by their text. Missing
 * values are left out of a grid (the rows that have them stay in the averages).
 */
final class PartialDependence {

    private PartialDependence() {
    }

    /**
     * @param grid    the feature's raw values (a level's code for a categorical feature)
     * @param average per output, per grid value
     * @param ice     per output, per ICE row (the first rows), per grid value
     */
    record Curves(double[] grid, double[][] average, double[][][] ice) {
    }

    /** scikit-learn's grid for a numeric feature's values (missing ones left out). */
    static double[] numericGrid(double[] values, int resolution, double low, double high) {
        double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        double[] distinct = Arrays.stream(present).distinct().toArray();
        if (distinct.length < resolution) {
            return distinct;
        }
        double lo = mquantile(present, low);
        double hi = mquantile(present, high);
        if (lo == hi || Math.abs(lo - hi) <= 1e-8 + 1e-5 * Math.abs(hi)) { // numpy's allclose
            throw new IllegalArgumentException("the percentiles are too close to each other");
        }
        return linspace(lo, hi, resolution);
    }

    /** A categorical feature's grid: the level codes present, ordered by their level's text. */
    static double[] categoricalGrid(double[] codes, List<String> levels) {
        TreeSet<Integer> present = new TreeSet<>();
        for (double c : codes) {
            if (!Double.isNaN(c) && c >= 0) {
                present.add((int) c);
            }
        }
        List<Integer> ordered = new ArrayList<>(present);
        ordered.sort(Comparator.comparing(levels::get));
        return ordered.stream().mapToDouble(Integer::doubleValue).toArray();
    }

    /** scipy.stats.mstats.mquantiles(sorted, prob=[p]) with its default alphap = betap = 0.4. */
    static double mquantile(double[] sorted, double p) {
        int n = sorted.length;
        double m = 0.4 + p * (1 - 0.4 - 0.4);
        double aleph = n * p + m;
        double k = Math.floor(Math.min(Math.max(aleph, 1), n - 1));
        double gamma = Math.min(Math.max(aleph - k, 0), 1);
        return (1 - gamma) * sorted[(int) k - 1] + gamma * sorted[(int) k];
    }

    /** numpy.linspace(start, stop, num) with its endpoint, the same doubles. */
    static double[] linspace(double start, double stop, int num) {
        double[] out = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            out[i] = i * step + start;
        }
        out[num - 1] = stop;
        return out;
    }

    /** The curves of feature {@code j} over {@code rows} along {@code grid}; ICE of the first {@code iceRows} rows. */
    static Curves of(Contributions.Model model, double[][] rows, int j, double[] grid, int iceRows) {
        return of(model, rows, j, grid, iceRows, (raw, value) -> value);
    }

    /**
     * The same, where a grid value sets column {@code j} of a row to {@code set(its raw value, the grid value)} (a
     * date's part: the row's own date moved to it).
     */
    static Curves of(Contributions.Model model, double[][] rows, int j, double[] grid, int iceRows,
            java.util.function.DoubleBinaryOperator set) {
        int n = rows.length;
        int ice = Math.min(iceRows, n);
        double[][] average = null;
        double[][][] individual = null;
        // one copy of the rows, whose column j takes each grid value in turn
        double[][] changed = new double[n][];
        for (int r = 0; r < n; r++) {
            changed[r] = rows[r].clone();
        }
        for (int g = 0; g < grid.length; g++) {
            for (int r = 0; r < n; r++) {
                changed[r][j] = set.applyAsDouble(rows[r][j], grid[g]);
            }
            double[][] outputs = model.outputs(changed);
            int k = outputs[0].length;
            if (average == null) {
                average = new double[k][grid.length];
                individual = new double[k][ice][grid.length];
            }
            for (int o = 0; o < k; o++) {
                double sum = 0;
                for (int r = 0; r < n; r++) {
                    sum += outputs[r][o];
                }
                average[o][g] = sum / n;
                for (int r = 0; r < ice; r++) {
                    individual[o][r][g] = outputs[r][o];
                }
            }
        }
        return new Curves(grid, average, individual);
    }
}
