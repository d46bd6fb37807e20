/**
 * Who may call what, on Spring Security: its firewall before routing, API keys with scopes decided on the route
 * Spring serves, writes from other sites refused, the security headers, per-key rate limits, and the append-only
 * audit log of writes.
 */
package io.netforge.security;
