package io.netforge.tabular;

/**
 * What rows should have been predicted: each row's class code (classification) or target value in the target's
 * units (regression).
 */
public record Targets(int[] classes, double[] values) {

    public static Targets ofClasses(int[] classes) {
        return new Targets(classes, null);
    }

    public static Targets ofValues(double[] values) {
        return new Targets(null, values);
    }

    public int rows() {
        return classes != null ? classes.length : values.length;
    }

    /** The class codes as 0/1 labels (binary). */
    public byte[] binary() {
        byte[] labels = new byte[classes.length];
        for (int r = 0; r < labels.length; r++) {
            labels[r] = (byte) classes[r];
        }
        return labels;
    }

    /** The targets of the rows {@code rows}, in that order. */
    public Targets subset(int[] rows) {
        if (classes != null) {
            int[] picked = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                picked[i] = classes[rows[i]];
            }
            return ofClasses(picked);
        }
        double[] picked = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            picked[i] = values[rows[i]];
        }
        return ofValues(picked);
    }
}
