package io.netforge.compute;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One run's optimiser: turns each step's gradient g into new parameters theta, keeping whatever state the rule
 * needs between steps. Written once per idiom, each with the same arithmetic in the same order:
 * <ul>
 * <li>flat Java arrays in float64 and in float32 ({@link #step(double[], double[])}, {@link #step(float[], float[])}),
 * for the Vector API kernels, which keep every weight and bias in one array, and the gradient beside it at the same
 * offsets; float32 runs compute in float, as PyTorch and ND4J do on float32 tensors;</li>
 * <li>ND4J arrays ({@link #step(List, List)}), one per weight matrix and bias vector, for {@link Nd4jBlockedKernel}.</li>
 * </ul>
 * One call is one step; a rule serves one kernel, which calls the same idiom every time. The gradient arrays may be
 * overwritten. State arrays are allocated at the first step, with the parameters' shapes, and ND4J state is freed
 * by {@link #close()}.
 *
 * <p>On flat arrays a step may also be cut into ranges of parameters ({@link #begin(double[])}, then
 * {@link #update(double[], double[], int, int)} over ranges that cover every index once, from any threads): each
 * parameter's new value depends on its own gradient and state and on the step's scalars alone, so the bits are the
 * same however the step is cut.
 */
abstract class UpdateRule implements AutoCloseable {

    /**
     * theta and gradient of the same length; one step. Each rule implements it as {@code begin} and one
     * {@code update} of its own (its class is final, so both calls bind statically): a base-class step calling them
     * through the base type shared one type profile between the rules, and the first job after a start of a
     * mini-batch Adam job took 1.5-1.9x a warm one (0.5-1.3x before).
     */
    abstract void step(double[] theta, double[] gradient);

    /** The same in float. */
    abstract void step(float[] theta, float[] gradient);

    /** Starts a step of these parameters: the state allocated at the first, the step's scalars (on one thread). */
    abstract void begin(double[] theta);

    /** The same in float. */
    abstract void begin(float[] theta);

    /** The step begun for theta[from, to), from gradient[from, to). */
    abstract void update(double[] theta, double[] gradient, int from, int to);

    /** The same in float. */
    abstract void update(float[] theta, float[] gradient, int from, int to);

    /** thetas.get(i) and gradients.get(i) of the same shape; one step over all of them. */
    abstract void step(List<INDArray> thetas, List<INDArray> gradients);

    /** Frees the ND4J state, if any. */
    @Override
    public void close() {
    }

    /** A zero array of each given array's shape and type (an ND4J rule's state), or of another's when it fails. */
    static List<INDArray> zerosLike(List<INDArray> arrays, List<INDArray> owned) {
        List<INDArray> zeros = new ArrayList<>(arrays.size());
        for (INDArray array : arrays) {
            INDArray zero = Nd4j.zeros(array.dataType(), array.shape());
            owned.add(zero);
            zeros.add(zero);
        }
        return zeros;
    }

    /** theta -= learningRate * g. */
    static final class GradientDescent extends UpdateRule {

        private final double learningRate;

        GradientDescent(double learningRate) {
            this.learningRate = learningRate;
        }

        @Override
        void step(double[] theta, double[] gradient) {
            begin(theta);
            update(theta, gradient, 0, theta.length);
        }

        @Override
        void step(float[] theta, float[] gradient) {
            begin(theta);
            update(theta, gradient, 0, theta.length);
        }

        @Override
        void begin(double[] theta) {
        }

        @Override
        void begin(float[] theta) {
        }

        @Override
        void update(double[] theta, double[] gradient, int from, int to) {
            for (int i = from; i < to; i++) {
                theta[i] -= learningRate * gradient[i];
            }
        }

        @Override
        void update(float[] theta, float[] gradient, int from, int to) {
            float rate = (float) learningRate; // as numpy and ND4J apply a scalar to float32 arrays
            for (int i = from; i < to; i++) {
                theta[i] -= rate * gradient[i];
            }
        }

        @Override
        void step(List<INDArray> thetas, List<INDArray> gradients) {
            for (int i = 0; i < thetas.size(); i++) {
                thetas.get(i).subi(gradients.get(i).muli(learningRate)); // as numpy_reference.py writes it
            }
        }
    }

    /** See {@link Optimizer.Momentum}: PyTorch's SGD with momentum, in its order of operations. */
    static final class Momentum extends UpdateRule {

        private final double learningRate;
        private final double momentum;
        private final boolean nesterov;
        private boolean started;
        /** Whether the step begun is the first on flat arrays (v = g). */
        private boolean first;
        private double[] velocity;
        private float[] velocityF;
        private List<INDArray> velocities;
        private List<INDArray> scratch;
        private final List<INDArray> owned = new ArrayList<>();

        Momentum(double learningRate, double momentum, boolean nesterov) {
            this.learningRate = learningRate;
            this.momentum = momentum;
            this.nesterov = nesterov;
        }

        @Override
        void step(double[] theta, double[] gradient) {
            begin(theta);
            update(theta, gradient, 0, theta.length);
        }

        @Override
        void step(float[] theta, float[] gradient) {
            begin(theta);
            update(theta, gradient, 0, theta.length);
        }

        @Override
        void begin(double[] theta) {
            first = velocity == null;
            if (first) {
                velocity = new double[theta.length];
            }
        }

        @Override
        void begin(float[] theta) {
            first = velocityF == null;
            if (first) {
                velocityF = new float[theta.length];
            }
        }

        @Override
        void update(double[] theta, double[] gradient, int from, int to) {
            for (int i = from; i < to; i++) {
                velocity[i] = first ? gradient[i] : momentum * velocity[i] + gradient[i]; // v = g at the first step
                double direction = nesterov ? gradient[i] + momentum * velocity[i] : velocity[i];
                theta[i] -= learningRate * direction;
            }
        }

        @Override
        void update(float[] theta, float[] gradient, int from, int to) {
            float m = (float) momentum;
            float rate = (float) learningRate;
            for (int i = from; i < to; i++) {
                velocityF[i] = first ? gradient[i] : m * velocityF[i] + gradient[i];
                float direction = nesterov ? gradient[i] + m * velocityF[i] : velocityF[i];
                theta[i] -= rate * direction;
            }
        }

        @Override
        void step(List<INDArray> thetas, List<INDArray> gradients) {
            if (!started) {
                velocities = zerosLike(gradients, owned);
                scratch = zerosLike(gradients, owned);
            }
            for (int i = 0; i < thetas.size(); i++) {
                INDArray v = velocities.get(i);
                INDArray g = gradients.get(i);
                if (!started) {
                    v.assign(g);
                } else {
                    v.muli(momentum).addi(g);               // v = m v + g
                }
                INDArray direction = scratch.get(i);
                if (nesterov) {
                    v.mul(momentum, direction).addi(g);     // g + m v
                } else {
                    direction.assign(v);
                }
                thetas.get(i).subi(direction.muli(learningRate));
            }
            started = true;
        }

        @Override
        public void close() {
            NdArrays.closeAll(owned);
            owned.clear();
        }
    }

    /** See {@link Optimizer.Adam}: PyTorch's Adam, in its order of operations. */
    static final class Adam extends UpdateRule {

        private final double learningRate;
        private final double beta1;
        private final double beta2;
        private final double epsilon;
        private int t;
        /** The step's scalars, set by begin. */
        private double stepSize;
        private double correction2;
        private double[] m;
        private double[] v;
        private float[] mF;
        private float[] vF;
        private List<INDArray> ms;
        private List<INDArray> vs;
        private List<INDArray> scratch;
        private final List<INDArray> owned = new ArrayList<>();

        Adam(double learningRate, double beta1, double beta2, double epsilon) {
            this.learningRate = learningRate;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
        }

        /** lr / (1 - beta1^t) of step t. */
        private double stepSize() {
            return learningRate / (1 - Math.pow(beta1, t));
        }

        /** sqrt(1 - beta2^t) of step t. */
        private double correction2() {
            return Math.sqrt(1 - Math.pow(beta2, t));
        }

        @Override
        void step(double[] theta, double[] gradient) {
            begin(theta);
            update(theta, gradient, 0, theta.length);
        }

        @Override
        void step(float[] theta, float[] gradient) {
            begin(theta);
            update(theta, gradient, 0, theta.length);
        }

        @Override
        void begin(double[] theta) {
            if (m == null) {
                m = new double[theta.length];
                v = new double[theta.length];
            }
            t++;
            stepSize = stepSize();
            correction2 = correction2();
        }

        @Override
        void begin(float[] theta) {
            if (mF == null) {
                mF = new float[theta.length];
                vF = new float[theta.length];
            }
            t++;
            stepSize = stepSize();
            correction2 = correction2();
        }

        @Override
        void update(double[] theta, double[] gradient, int from, int to) {
            double b1 = 1 - beta1;
            double b2 = 1 - beta2;
            for (int i = from; i < to; i++) {
                double g = gradient[i];
                m[i] = m[i] * beta1 + b1 * g;
                v[i] = v[i] * beta2 + b2 * g * g;
                double denominator = Math.sqrt(v[i]) / correction2 + epsilon;
                theta[i] -= stepSize * m[i] / denominator;
            }
        }

        @Override
        void update(float[] theta, float[] gradient, int from, int to) {
            float stepSize = (float) this.stepSize;
            float correction2 = (float) this.correction2;
            float b1 = (float) (1 - beta1);
            float b2 = (float) (1 - beta2);
            float decay1 = (float) beta1;
            float decay2 = (float) beta2;
            float eps = (float) epsilon;
            for (int i = from; i < to; i++) {
                float g = gradient[i];
                mF[i] = mF[i] * decay1 + b1 * g;
                vF[i] = vF[i] * decay2 + b2 * g * g;
                float denominator = (float) Math.sqrt(vF[i]) / correction2 + eps; // sqrt of a float is exact in float
                theta[i] -= stepSize * mF[i] / denominator;
            }
        }

        @Override
        void step(List<INDArray> thetas, List<INDArray> gradients) {
            if (ms == null) {
                ms = zerosLike(gradients, owned);
                vs = zerosLike(gradients, owned);
                scratch = zerosLike(gradients, owned);
            }
            t++;
            double stepSize = stepSize();
            double correction2 = correction2();
            for (int i = 0; i < thetas.size(); i++) {
                INDArray g = gradients.get(i);
                INDArray mi = ms.get(i);
                INDArray vi = vs.get(i);
                INDArray work = scratch.get(i);
                g.mul(1 - beta1, work);
                mi.muli(beta1).addi(work);                     // m = beta1 m + (1 - beta1) g
                g.mul(1 - beta2, work).muli(g);
                vi.muli(beta2).addi(work);                     // v = beta2 v + (1 - beta2) g g
                Nd4j.exec(new Sqrt(vi, work));
                work.divi(correction2).addi(epsilon);          // sqrt(v) / sqrt(1 - beta2^t) + eps
                INDArray step = g.assign(mi).muli(stepSize);   // the gradient is not needed any more
                thetas.get(i).subi(step.divi(work));
            }
        }

        @Override
        public void close() {
            NdArrays.closeAll(owned);
            owned.clear();
        }
    }
}
