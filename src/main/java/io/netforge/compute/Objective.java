package io.netforge.compute;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log1p;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the network's output layer computes and what training minimises: an output function of the logits
 * z_L, a loss per row, and the derivative of that loss by the logits, the output delta (Smile's
 * {@code OutputFunction} with its {@code Cost}). The loss of a batch is the mean of its rows' losses, or with row
 * weights w the weighted mean {@code sum w_r loss_r / sum w_r}, whose delta is the row's delta times w_r (the
 * division by {@code sum w_r} comes with the gradient's).
 *
 * <p>Written once per idiom, as {@link Activation} is: scalar here, ND4J here, vector lanes in
 * {@code VectorMathF64.lossTermParts}/{@code addLossTerms} (and VectorMathF32).
 */
public enum Objective {

    /**
     * One sigmoid output, the probability of the positive class; binary cross-entropy computed stably from the
     * logit: {@code max(z, 0) - z y + log1p(exp(-|z|))}, which equals {@code -(y ln a + (1 - y) ln(1 - a))} for
     * {@code a = sigmoid(z)} but stays finite when the sigmoid saturates to 0 or 1. The article's.
     */
    SIGMOID_CROSS_ENTROPY("sigmoidCrossEntropy") {
        @Override
        public double output(double z) {
            return 1.0 / (1.0 + Math.exp(-z));
        }

        @Override
        public double loss(double z, double y) {
            return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
        }

        @Override
        void output(INDArray z, INDArray a) {
            Nd4j.exec(new Sigmoid(z, a));
        }

        @Override
        void lossTerms(INDArray z, INDArray y, INDArray terms, INDArray scratch) {
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

    /** a_L from one logit. */
    public abstract double output(double z);

    /** One row's loss from its logit z and label y. */
    public abstract double loss(double z, double y);

    /** a_L = output(z_L) element-wise; {@code a} may be {@code z}. */
    abstract void output(INDArray z, INDArray a);

    /** Each row's loss into {@code terms} (N x 1), from the logits z_L and labels y; {@code scratch} is N x 1. */
    abstract void lossTerms(INDArray z, INDArray y, INDArray terms, INDArray scratch);

    /** delta_L = d loss / d z_L of each row, from the outputs a_L and labels y. */
    abstract void delta(INDArray a, INDArray y, INDArray delta);
}
