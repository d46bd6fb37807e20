package io.netforge.web;

import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * The one place that knows every route's policy: for a request, the handler Spring's dispatcher resolves (asking its
 * handler mappings in its order, as it will) and the {@link Route} declared on it. Filters that decide before the
 * handler runs (keys, rate limits, idempotency, audit, metrics) ask here, never the raw path: {@code /audit;x=1},
 * {@code /%61udit} and {@code /audit} are one route to Spring, and so one policy.
 *
 * <p>Handlers that are not netforge's have fixed policies: static files and the API docs are public; of the actuator,
 * health is public, the Prometheus scrape is metrics, the rest reads. A netforge handler without a {@link Route} is
 * admin-only (fails closed). Resolution has no side effects on the request: the mappings' attributes are kept apart.
 */
@Component
public class Routes {

    /** The request attribute the resolved policy is kept in, so each request is resolved once. */
    static final String ATTRIBUTE = Routes.class.getName() + ".policy";

    /**
     * A request's route and policy.
     *
     * @param pattern the route as Spring matched it ({@code POST /models/{id}/cancel}), or the path when no handler
     *                serves it
     * @param handled whether a handler runs for it (else Spring answers 404, 405 or 415 itself)
     */
    public record Policy(Route.Access access, Route.Limit limit, boolean idempotent, String protocol,
            Route.Body body, String pattern, boolean handled) {
    }

    private final ObjectProvider<DispatcherServlet> dispatcher;
    private final ObjectProvider<HandlerMapping> mappings;

    Routes(ObjectProvider<DispatcherServlet> dispatcher, ObjectProvider<HandlerMapping> mappings) {
        this.dispatcher = dispatcher;
        this.mappings = mappings;
    }

    /** The policy of the route Spring serves this request by. */
    public Policy of(HttpServletRequest request) {
        Object known = request.getAttribute(ATTRIBUTE);
        if (known instanceof Policy policy) {
            return policy;
        }
        Policy policy = resolve(request);
        request.setAttribute(ATTRIBUTE, policy);
        return policy;
    }

    private List<HandlerMapping> handlerMappings() {
        DispatcherServlet servlet = dispatcher.getIfAvailable();
        List<HandlerMapping> used = servlet == null ? null : servlet.getHandlerMappings();
        return used != null ? used : mappings.orderedStream().toList();
    }

    private Policy resolve(HttpServletRequest request) {
        Isolated isolated = new Isolated(request);
        ServletRequestPathUtils.parseAndCache(isolated);
        Object handler = null;
        for (HandlerMapping mapping : handlerMappings()) {
            try {
                HandlerExecutionChain chain = mapping.getHandler(isolated);
                if (chain != null) {
                    handler = chain.getHandler();
                    break;
                }
            } catch (Exception e) {
                // no handler takes it as sent (a method or media type it does not serve): Spring answers 4xx itself
                return new Policy(Route.Access.PUBLIC, Route.Limit.NONE, false, "", Route.Body.SMALL,
                        request.getMethod() + " " + request.getRequestURI(), false);
            }
        }
        Object matched = isolated.attributes.get(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String pattern = request.getMethod() + " " + (matched != null ? matched : request.getRequestURI());
        if (handler == null) {
            return new Policy(Route.Access.PUBLIC, Route.Limit.NONE, false, "", Route.Body.SMALL, pattern, false);
        }
        if (handler instanceof HandlerMethod method) {
            Route route = method.getMethodAnnotation(Route.class);
            if (route != null) {
                return new Policy(route.access(), route.limit(), route.idempotent(), route.protocol(), route.body(),
                        pattern, true);
            }
            if (method.getBeanType().getName().startsWith("io.netforge.")) {
                return new Policy(Route.Access.ADMIN, Route.Limit.NONE, false, "", Route.Body.SMALL, pattern, true);
            }
            return new Policy(foreign(String.valueOf(matched)), Route.Limit.NONE, false, "", Route.Body.SMALL, pattern,
                    true);
        }
        // static files, the docs' redirects, the welcome page
        return new Policy(Route.Access.PUBLIC, Route.Limit.NONE, false, "", Route.Body.SMALL, pattern, true);
    }

    /** Spring Boot's own handlers: the actuator's endpoints by their route, the error page. */
    private static Route.Access foreign(String pattern) {
        if (pattern.startsWith("/actuator/health")) {
            return Route.Access.PUBLIC;
        }
        if (pattern.startsWith("/actuator/prometheus")) {
            return Route.Access.METRICS;
        }
        if (pattern.startsWith("/actuator")) {
            return Route.Access.READ;
        }
        // the error page (it shows only the current request's error) and Spring's answers to OPTIONS
        return Route.Access.PUBLIC;
    }

    /** The request with attributes of its own, so that asking the handler mappings leaves the request as it was. */
    private static final class Isolated extends HttpServletRequestWrapper {

        final Map<String, Object> attributes = new HashMap<>();

        Isolated(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.containsKey(name) ? attributes.get(name) : super.getAttribute(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            attributes.put(name, null);
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            java.util.Set<String> names = new java.util.HashSet<>(java.util.Collections.list(super.getAttributeNames()));
            attributes.forEach((k, v) -> {
                if (v == null) {
                    names.remove(k);
                } else {
                    names.add(k);
                }
            });
            return java.util.Collections.enumeration(names);
        }
    }
}
