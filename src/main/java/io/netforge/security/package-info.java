/**
 * Who may call what: API keys with scopes, decided on the route Spring serves; per-key rate limits; the
 * append-only audit log of writes.
 */
package io.netforge.security;
