package io.netforge.compute;

import org.nd4j.linalg.api.buffer.DataType;

/** Floating-point precision of a training run's arithmetic (data, parameters and activations alike). */
public enum Precision {
    FLOAT64(DataType.DOUBLE),
    FLOAT32(DataType.FLOAT);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    /** The ND4J data type every array of a run with this precision has. */
    public DataType dataType() {
        return dataType;
    }
}
