/**
 * What can be wrong with a request, in the domain's words ({@link io.netforge.problem.DomainException} and its
 * kinds): thrown from any feature, answered as problem+json by the web layer. Spring-free.
 */
package io.netforge.problem;
