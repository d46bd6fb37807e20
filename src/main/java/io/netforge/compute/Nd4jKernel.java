package io.netforge.compute;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

/** ND4J's passes ({@link Backprop.Pass}) on the network's own arrays, updated in place. */
final class Nd4jKernel implements TrainingKernel {

    private final Network network;
    private final INDArray x;
    private final INDArray y;
    private final Backprop.Pass pass;

    Nd4jKernel(Network network, INDArray x, INDArray y) {
        this.network = network;
        this.x = x;
        this.y = y;
        this.pass = new Backprop.Pass(network, x.rows());
    }

    @Override
    public String name() {
        return Trainer.REFERENCE;
    }

    @Override
    public double lossAndGradients() {
        double loss = pass.forward(network, x, y);
        if (Double.isFinite(loss)) {
            pass.backward(network, y);
        }
        return loss;
    }

    /** The gradient-descent update theta -= learningRate * dJ/dtheta, as numpy_reference.py writes it. */
    @Override
    public void step(double learningRate) {
        for (int l = 0; l < network.layerCount(); l++) {
            network.weights(l).subi(pass.weightGradient(l).muli(learningRate));
            network.bias(l).subi(pass.biasGradient(l).muli(learningRate));
        }
    }

    @Override
    public Gradients gradients(double loss) {
        List<INDArray> weights = new ArrayList<>();
        List<INDArray> biases = new ArrayList<>();
        for (int l = 0; l < network.layerCount(); l++) {
            weights.add(pass.weightGradient(l).dup());
            biases.add(pass.biasGradient(l).dup());
        }
        return new Gradients(weights, biases, loss);
    }

    @Override
    public void writeParameters() {
        // the passes worked on the network's arrays
    }

    @Override
    public void close() {
        pass.close();
    }
}
