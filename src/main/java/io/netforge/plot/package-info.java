/**
 * Plots of models and experiments (ROC, loss, confusion, metric against size) as SVG or PNG, with JFreeChart.
 */
package io.netforge.plot;
