/**
 * The Idempotency-Key header on the requests that create: a repeat gets the first answer, once.
 */
package io.netforge.idempotency;
