/**
 * Exports of fitted models (ONNX, numpy npz, JSON) and the import of an exported npz as a served model.
 */
package io.netforge.export;
