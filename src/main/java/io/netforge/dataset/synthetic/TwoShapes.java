package io.netforge.dataset.synthetic;

/**
 * scikit-learn's two-dimensional demos, from our seeded generator: {@code make_moons} (two interleaving half
 * circles) and {@code make_circles} (a circle inside a larger one, its radius {@code factor} times the outer's).
 * Class 0 is the first shape (the upper moon, the outer circle) with {@code samples / 2} points, class 1 the other
 * with the rest. Points are evenly spaced along each shape, shuffled, then moved by Gaussian noise of standard
 * deviation {@code noise}.
 */
public record TwoShapes(Shape shape, int samples, double noise, double factor, boolean shuffle, long seed) {

    public enum Shape {
        MOONS, CIRCLES
    }

    public TwoShapes {
        if (samples < 2) {
            throw new InvalidParameterException("samples", "must be at least 2, got " + samples);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new InvalidParameterException("noise", "must be a number of at least 0, got " + noise);
        }
        if (shape == Shape.CIRCLES && !(factor >= 0 && factor < 1)) {
            throw new InvalidParameterException("factor", "must be at least 0 and less than 1, got " + factor);
        }
    }

    public SyntheticData generate() {
        Draws draws = new Draws(seed);
        int first = samples / 2;
        int second = samples - first;
        double[] x = new double[samples * 2];
        int[] y = new int[samples];
        for (int i = 0; i < first; i++) {
            double t = shape == Shape.MOONS ? halfTurn(i, first) : fullTurn(i, first);
            x[2 * i] = Math.cos(t);
            x[2 * i + 1] = Math.sin(t);
        }
        for (int i = 0; i < second; i++) {
            int row = first + i;
            y[row] = 1;
            if (shape == Shape.MOONS) {
                double t = halfTurn(i, second);
                x[2 * row] = 1 - Math.cos(t);
                x[2 * row + 1] = 1 - Math.sin(t) - 0.5;
            } else {
                double t = fullTurn(i, second);
                x[2 * row] = Math.cos(t) * factor;
                x[2 * row + 1] = Math.sin(t) * factor;
            }
        }
        if (shuffle) {
            int[] order = draws.permutation(samples);
            double[] sx = new double[x.length];
            int[] sy = new int[samples];
            for (int i = 0; i < samples; i++) {
                sx[2 * i] = x[2 * order[i]];
                sx[2 * i + 1] = x[2 * order[i] + 1];
                sy[i] = y[order[i]];
            }
            x = sx;
            y = sy;
        }
        if (noise > 0) {
            for (int e = 0; e < x.length; e++) {
                x[e] += noise * draws.standardNormal();
            }
        }
        return new SyntheticData(x, y, 2);
    }

    /** The i-th of m points from 0 to pi, both ends included. */
    private static double halfTurn(int i, int m) {
        return m == 1 ? 0 : Math.PI * i / (m - 1);
    }

    /** The i-th of m points from 0 to 2 pi, the end left out (it is the start). */
    private static double fullTurn(int i, int m) {
        return 2 * Math.PI * i / m;
    }
}
