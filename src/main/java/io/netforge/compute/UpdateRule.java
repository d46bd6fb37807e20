package io.netforge.compute;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

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
 * overwritten.
 */
abstract class UpdateRule {

    /** theta and gradient of the same length; one step. */
    abstract void step(double[] theta, double[] gradient);

    /** The same in float. */
    abstract void step(float[] theta, float[] gradient);

    /** thetas.get(i) and gradients.get(i) of the same shape; one step over all of them. */
    abstract void step(List<INDArray> thetas, List<INDArray> gradients);

    /** theta -= learningRate * g. */
    static final class GradientDescent extends UpdateRule {

        private final double learningRate;

        GradientDescent(double learningRate) {
            this.learningRate = learningRate;
        }

        @Override
        void step(double[] theta, double[] gradient) {
            for (int i = 0; i < theta.length; i++) {
                theta[i] -= learningRate * gradient[i];
            }
        }

        @Override
        void step(float[] theta, float[] gradient) {
            float rate = (float) learningRate; // as numpy and ND4J apply a scalar to float32 arrays
            for (int i = 0; i < theta.length; i++) {
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
}
