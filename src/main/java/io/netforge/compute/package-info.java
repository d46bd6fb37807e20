/**
 * The Spring-free compute core: networks, activations, objectives, update rules, the training kernels (Vector API
 * and ND4J), prediction of rows and the evaluation measures. Imports nothing of netforge; testable and benchmarkable
 * alone.
 */
package io.netforge.compute;
