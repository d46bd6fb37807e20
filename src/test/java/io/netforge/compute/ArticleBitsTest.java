package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The article's run keeps its exact bits: for the default spec ([8, 3], sigmoid, N(0, 0.1²) from seed 0, full-batch
 * gradient descent at learning rate 1 on the article's training set), every loss of the run and every final weight
 * and bias, on both training paths and in both precisions, are the doubles netforge 0.1.0 computed (commit 2090b72),
 * checked as a SHA-256 of their IEEE bits, little-endian, losses first, then per layer W row-major and b. The ND4J
 * path runs 300 iterations to keep the suite quick. Its bits are those of OpenBLAS's Haswell kernels (an AVX-512
 * machine's SkylakeX kernels sum in another order), which pom.xml selects for the tests with OPENBLAS_CORETYPE.
 */
class ArticleBitsTest {

    @ParameterizedTest(name = "{0} {1}, {2} iterations")
    @CsvSource({
            "VECTOR, FLOAT64, 2000, 0.18432783149624155, 9eef2a45f8bf7fca70ccb2012a3937df4d232ec00dcc0e52a3c80095f2c6d707",
            "VECTOR, FLOAT32, 2000, 0.18439445656538010, 1f26d847eb0fcea36e0f40302750477dfdfc2c42db7cad9501cfcf93dffe2699",
            "ND4J, FLOAT64, 300, 0.2893598832284457, eb2b625f2992cf81f7a366ee5833ada9570d1dbc98ef2d5930997fa88b863355",
            "ND4J, FLOAT32, 300, 0.2893599243164062, afef0aaed4199a7f109bd063ec8472ae6d2bfdb90f7d1d45a4d35f7ce0e41098"})
    void theArticlesRunGivesTheSameBitsAsVersionZeroPointOne(Kernels.Path path, Precision precision, int iterations,
            double lastLoss, String sha256) {
        if (path == Kernels.Path.ND4J) {
            assertThat(System.getenv("OPENBLAS_CORETYPE"))
                    .as("the ND4J path's bits are OpenBLAS's Haswell kernels'; run with OPENBLAS_CORETYPE=Haswell")
                    .isEqualToIgnoringCase("Haswell");
        }
        try (LabelledData train = LabelledData.articleTrain(precision)) {
            TrainingSettings settings = TrainingSettings.article(List.of(8, 3), 1.0, iterations, 0, precision);
            try (TrainingResult result = Trainer.trainOwned(path, Network.initialise(20, List.of(8, 3), 0, precision),
                    train.x(), train.y(), settings, TrainingMonitor.NONE)) {
                assertThat(result.losses()[iterations - 1]).isEqualTo(lastLoss);
                assertThat(digest(result)).isEqualTo(sha256);
            }
        }
    }

    private static String digest(TrainingResult result) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (double loss : result.losses()) {
                sha.update(value.clear().putDouble(loss).array());
            }
            Network network = result.network();
            for (int l = 0; l < network.layerCount(); l++) {
                for (double v : network.weightsData(l)) {
                    sha.update(value.clear().putDouble(v).array());
                }
                for (double v : network.biasData(l)) {
                    sha.update(value.clear().putDouble(v).array());
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
