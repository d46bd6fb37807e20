/**
 * netforge: a REST service that trains feed-forward networks on tabular data and serves their predictions.
 * The application's entry point and its relaunch with the Vector API module; each sub-package owns one feature or
 * concern, in layers that PackageDependenciesTest checks (a package uses only lower layers).
 */
package io.netforge;
