package io.netforge.compute;

/** Counts of a thresholded binary classification: "positive" means label or prediction 1. */
public record ConfusionMatrix(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {
}
