package io.netforge.compute;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log1p;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the network's output layer computes and what training minimises: an output function of the logits
 * z_L (K of them per row), a loss per row, and the derivative of that loss by the logits, the output delta (Smile's
 * {@code OutputFunction} with its {@code Cost}). The loss of a batch is the mean of its rows' losses, or with row
 * weights w the weighted mean {@code sum w_r loss_r / sum w_r}, whose delta is the row's delta times w_r (the
 * division by {@code sum w_r} comes with the gradient's).
 *
 * <p>Labels y have one column per output: 0/1 for the sigmoid, a one-hot row for the softmax, the target for
 * squared error.
 *
 * <p>Written once per idiom, as {@link Activation} is: scalar here, ND4J here, vector lanes in
 * {@code VectorMathF64.outputLoss} (and VectorMathF32).
 */
public enum Objective {

    /**
     * One sigmoid output, the probability of the positive class; binary cross-entropy computed stably from the
     * logit: {@code max(z, 0) - z y + log1p(exp(-|z|))}, which equals {@code -(y ln a + (1 - y) ln(1 - a))} for
     * {@code a = sigmoid(z)} but stays finite when the sigmoid saturates to 0 or 1. The article's.
     */
    SIGMOID_CROSS_ENTROPY("sigmoidCrossEntropy") {
        @Override
        public boolean fits(int outputs) {
            return outputs == 1;
        }

        @Override
        public void outputInPlace(double[] values, int outputs) {
            values[0] = 1.0 / (1.0 + Math.exp(-values[0]));
        }

        @Override
        public double loss(double[] z, double[] y) {
            return Math.max(z[0], 0) - z[0] * y[0] + Math.log1p(Math.exp(-Math.abs(z[0])));
        }

        @Override
        void output(INDArray z, INDArray a) {
            Nd4j.exec(new Sigmoid(z, a));
        }

        @Override
        void lossTerms(INDArray z, INDArray y, INDArray terms, INDArray scratch, INDArray ones) {
            Nd4j.exec(new ScalarMax(z, null, terms, 0.0)); // max(z, 0)
            z.mul(y, scratch);                               // z * y
            terms.subi(scratch);
            Nd4j.exec(new Abs(z, scratch));                  // |z|
            scratch.negi();
            Nd4j.exec(new Exp(scratch, scratch));
            Nd4j.exec(new Log1p(scratch, scratch));          // log1p(exp(-|z|))
            terms.addi(scratch);
        }

        @Override
        void delta(INDArray a, INDArray y, INDArray delta) {
            a.sub(y, delta); // sigmoid and cross-entropy cancel to a - y
        }
    },

    /**
     * K softmax outputs, the probabilities of K classes; cross-entropy {@code -sum_j y_j ln p_j} for the one-hot
     * row y, computed from the logits as {@code logsumexp(z) - sum_j y_j z_j} (with the largest logit taken out of
     * the exponentials, so it never overflows). The delta is {@code p - y}.
     */
    SOFTMAX_CROSS_ENTROPY("softmaxCrossEntropy") {
        @Override
        public boolean fits(int outputs) {
            return outputs >= 2;
        }

        @Override
        public void outputInPlace(double[] values, int outputs) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < outputs; j++) {
                max = Math.max(max, values[j]);
            }
            double sum = 0;
            for (int j = 0; j < outputs; j++) {
                values[j] = Math.exp(values[j] - max);
                sum += values[j];
            }
            for (int j = 0; j < outputs; j++) {
                values[j] /= sum;
            }
        }

        @Override
        public double loss(double[] z, double[] y) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            double dot = 0;
            for (int j = 0; j < z.length; j++) {
                sum += Math.exp(z[j] - max);
                dot += y[j] * z[j];
            }
            return max + Math.log(sum) - dot;
        }

        @Override
        void output(INDArray z, INDArray a) {
            Nd4j.exec(new SoftMax(z, a, 1)); // along each row
        }

        @Override
        void lossTerms(INDArray z, INDArray y, INDArray terms, INDArray scratch, INDArray ones) {
            Nd4j.exec(new LogSoftMax(z, scratch));                      // ln p_j = z_j - logsumexp(z), by row
            scratch.muli(y);                                              // y_j ln p_j
            Nd4j.gemm(scratch, ones, terms, false, false, -1.0, 0.0);     // -sum_j, in a fixed order
        }

        @Override
        void delta(INDArray a, INDArray y, INDArray delta) {
            a.sub(y, delta); // softmax and cross-entropy cancel to p - y
        }
    },

    /**
     * One identity output, the prediction; squared error {@code (z - y)²} (mean squared error over a batch, no
     * factor 1/2, as PyTorch's MSELoss), whose delta is {@code 2 (z - y)}.
     */
    SQUARED_ERROR("squaredError") {
        @Override
        public boolean fits(int outputs) {
            return outputs == 1;
        }

        @Override
        public void outputInPlace(double[] values, int outputs) {
            // the logit is the prediction
        }

        @Override
        public double loss(double[] z, double[] y) {
            double error = z[0] - y[0];
            return error * error;
        }

        @Override
        void output(INDArray z, INDArray a) {
            if (a != z) {
                a.assign(z);
            }
        }

        @Override
        void lossTerms(INDArray z, INDArray y, INDArray terms, INDArray scratch, INDArray ones) {
            z.sub(y, terms);   // z - y
            terms.muli(terms); // (z - y)²
        }

        @Override
        void delta(INDArray a, INDArray y, INDArray delta) {
            a.sub(y, delta);   // z - y
            delta.muli(2.0);   // 2 (z - y)
        }
    };

    private final String id;

    Objective(String id) {
        this.id = id;
    }

    /** The name the model document uses. */
    public String id() {
        return id;
    }

    /** The objective a model document calls {@code id}; null when there is none. */
    public static Objective byId(String id) {
        for (Objective objective : values()) {
            if (objective.id.equals(id)) {
                return objective;
            }
        }
        return null;
    }

    /** Whether the output layer may have this many units. */
    public abstract boolean fits(int outputs);

    /** The first {@code outputs} values, a row's logits, become its outputs, in place. */
    public abstract void outputInPlace(double[] values, int outputs);

    /** One row's loss from its logits z and labels y (one per output). */
    public abstract double loss(double[] z, double[] y);

    /** One row's loss from its single logit z and label y (a one-output objective). */
    public double loss(double z, double y) {
        return loss(new double[] {z}, new double[] {y});
    }

    /** a_L = output(z_L) row by row (N x K); {@code a} may be {@code z}. */
    abstract void output(INDArray z, INDArray a);

    /**
     * Each row's loss into {@code terms} (N x 1), from the logits z_L and labels y (N x K); {@code scratch} is N x K
     * and {@code ones} a K x 1 column of ones.
     */
    abstract void lossTerms(INDArray z, INDArray y, INDArray terms, INDArray scratch, INDArray ones);

    /** delta_L = d loss / d z_L of each row, from the outputs a_L and labels y. */
    abstract void delta(INDArray a, INDArray y, INDArray delta);
}
