/**
 * Plumbing every feature may use and that knows none of them: the clock, the versions of what runs, telling the
 * database's absence from other failures.
 */
package io.netforge.system;
