/**
 * Uploads of tabular data: parsing and profiling CSV as it streams, storing datasets (column by column, in
 * chunks), describing them, synthetic datasets, and refusing a delete while jobs still need a dataset.
 */
package io.netforge.dataset;
