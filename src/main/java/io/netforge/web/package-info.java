/**
 * The HTTP edge shared by every controller: problem+json for every error (the one mapping of a domain problem's
 * kind to a status), request ids, the container's own refusals, list cursors, the API docs' routes, and the route
 * policy each handler declares.
 */
package io.netforge.web;
