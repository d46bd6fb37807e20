package io.netforge.dataset.synthetic;

/**
 * Generated rows: {@code x} row-major, {@code rows} x {@code features}, and an integer class per row.
 *
 * @param x        the features, row-major
 * @param y        the class of each row, 0 to classes - 1
 * @param features columns of x
 */
public record SyntheticData(double[] x, int[] y, int features) {

    public int rows() {
        return y.length;
    }

    public double get(int row, int column) {
        return x[row * features + column];
    }

    /** Column names, as the article's files have them: x0, x1, ... and the label y. */
    public static String featureName(int column) {
        return "x" + column;
    }

    public static final String LABEL = "y";

    /** Rows [from, to) as data of their own. */
    public SyntheticData rows(int from, int to) {
        double[] part = java.util.Arrays.copyOfRange(x, from * features, to * features);
        return new SyntheticData(part, java.util.Arrays.copyOfRange(y, from, to), features);
    }
}
