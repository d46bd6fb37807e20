/**
 * Seeded generators of synthetic tables (scikit-learn's make_classification, moons, circles), written as
 * CSV and stored like any upload.
 */
package io.netforge.dataset.synthetic;
