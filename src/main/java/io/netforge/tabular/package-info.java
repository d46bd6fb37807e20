/**
 * What a table means to a model, below the features that store or train on it: the task a label asks for (its
 * objective, label encoding, evaluation, metrics and predictions), the kinds of feature and how each becomes the
 * network's inputs, and the data and preprocessing a model asks for.
 */
package io.netforge.tabular;
