/**
 * Fitted models: their self-describing, versioned documents and weights, their repository, views, names,
 * versions and aliases, and their events while they train.
 */
package io.netforge.model;
