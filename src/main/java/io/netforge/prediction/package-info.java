/**
 * Serving fitted models: the in-memory model cache, one prediction of rows that every protocol adapts from
 * (JSON /predict, CSV, MLflow /invocations, KServe V2), and batch scoring of stored datasets as jobs.
 */
package io.netforge.prediction;
