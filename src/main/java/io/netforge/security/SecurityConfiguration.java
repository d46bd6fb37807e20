package io.netforge.security;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.web.filter.OncePerRequestFilter;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.netforge.problem.DomainException;
import io.netforge.security.SecurityProperties.Scope;
import io.netforge.web.Clients;
import io.netforge.web.Problems;
import io.netforge.web.Routes;
import io.netforge.web.SecurityHeaders;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what, on Spring Security. Its firewall refuses, before routing, what no client of this API sends
 * ({@code ;} in a path, encoded slashes or dots, {@code //}, {@code /./}, {@code /../}, control characters, methods
 * such as TRACE): 400 (405 for a method) as problem+json. An {@code X-API-Key} authenticates a request as its key;
 * whether the request may go on is decided on the route Spring serves it by ({@link Routes}, the handler's
 * {@link io.netforge.web.Route}) and {@code netforge.security.*}: 401 without a valid key where one is needed, 403 with
 * a key that lacks the scope; then a key's requests are rate-limited (429, Retry-After). A write from another site
 * (a browser's {@code Origin} or {@code Sec-Fetch-Site} says so) is refused (403), keys or not. Every answer carries
 * the security headers (a Content-Security-Policy that allows this origin only, frames from none, no sniffing).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, ApiKeys keys, Routes routes, SecurityProperties properties,
            JsonMapper json) throws Exception {
        http.csrf(csrf -> csrf.disable()) // an API's writes are refused cross-site by CrossSite instead of tokens
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable()).formLogin(f -> f.disable()).logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives(SecurityHeaders.CONTENT_SECURITY_POLICY))
                        .cacheControl(c -> c.disable()))
                .addFilterBefore(new CrossSite(properties.allowedOrigins(), json), AuthorizationFilter.class)
                .addFilterBefore(new KeyAuthenticationFilter(keys), AuthorizationFilter.class)
                .addFilterAfter(new RateLimits(properties.rateLimit(), routes, json), AuthorizationFilter.class)
                .authorizeHttpRequests(a -> a
                        // the request was authorized when it came in; its error page and async parts follow it
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
                        .anyRequest().access(routeAccess(keys, routes)))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, denied) -> unauthenticated(request, response,
                                keys, routes, json))
                        .accessDeniedHandler((request, response, denied) -> forbidden(request, response, keys,
                                routes, json)));
        return http.build();
    }

    /** The route's access, decided on the route Spring serves the request by. */
    private static AuthorizationManager<RequestAuthorizationContext> routeAccess(ApiKeys keys, Routes routes) {
        return (authentication, context) -> {
            Scope needed = keys.needed(routes.of(context.getRequest()).access());
            if (needed == null) {
                return new AuthorizationDecision(true);
            }
            Authentication a = authentication.get();
            return new AuthorizationDecision(a instanceof KeyAuthentication key && key.has(needed));
        };
    }

    private static void unauthenticated(HttpServletRequest request, HttpServletResponse response, ApiKeys keys,
            Routes routes, JsonMapper json) throws IOException {
        Scope needed = keys.needed(routes.of(request).access());
        String presented = request.getHeader(ApiKeys.HEADER);
        DomainException e = DomainException.unauthenticated(presented == null
                ? ApiKeys.HEADER + ": missing; this endpoint needs an API key with the scope '"
                        + (needed == null ? Scope.READ : needed).id() + "'"
                : ApiKeys.HEADER + ": not a valid API key").with("field", ApiKeys.HEADER);
        response.setHeader("WWW-Authenticate", "ApiKey header=\"" + ApiKeys.HEADER + "\"");
        Problems.write(request, response, json, e);
    }

    private static void forbidden(HttpServletRequest request, HttpServletResponse response, ApiKeys keys,
            Routes routes, JsonMapper json) throws IOException {
        Routes.Policy route = routes.of(request);
        Scope needed = keys.needed(route.access());
        KeyAuthentication key = SecurityContextHolder.getContext().getAuthentication() instanceof KeyAuthentication k
                ? k : null;
        String detail = key == null || needed == null ? "this request is not allowed"
                : ApiKeys.HEADER + ": key '" + key.id() + "' lacks the scope '" + needed.id() + "' that "
                        + route.pattern() + " needs (it has " + key.scopes() + ")";
        Problems.write(request, response, json, DomainException.forbidden(detail).with("field", ApiKeys.HEADER));
    }

    /** Paths and methods no client of this API sends are refused before routing. */
    @Bean
    HttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        // a model's name in a path may hold a '%' (sent as %25); every decision is on the route, not the spelling
        firewall.setAllowUrlEncodedPercent(true);
        firewall.setAllowedHttpMethods(java.util.List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"));
        return firewall;
    }

    /**
     * The firewall's refusals as problem+json: 405 for a method, else 400 saying what in the request was refused
     * (the answer carries the security headers, as every other does).
     */
    @Bean
    RequestRejectedHandler requestRejectedHandler(JsonMapper json) {
        return (request, response, rejected) -> {
            String message = String.valueOf(rejected.getMessage()).replace("The request was rejected because ", "");
            DomainException e;
            if (message.contains("HTTP method")) {
                e = DomainException.methodNotAllowed(request.getMethod() + " is not a method of this API");
            } else {
                java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("\"([^\"]{1,20})\"").matcher(message);
                e = DomainException.invalidInput(quoted.find()
                        ? "the request's URL contains \"" + quoted.group(1) + "\", which no path of this API holds"
                                + " (no ';', '//', '/./', '/../', encoded '/', '\\' or '.', or control characters)"
                        : message.contains("not normalized")
                                ? "the request's URL is not normalized ('/./', '/../' or '//'), which no path of this"
                                        + " API holds"
                                : "the request is refused: " + message);
            }
            SecurityHeaders.apply(response);
            Problems.write(request, response, json, e);
        };
    }

    /** Authenticates a request by its {@code X-API-Key}; an unknown key leaves it anonymous. */
    static final class KeyAuthenticationFilter extends OncePerRequestFilter {

        private final ApiKeys keys;

        KeyAuthenticationFilter(ApiKeys keys) {
            this.keys = keys;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String presented = request.getHeader(ApiKeys.HEADER);
            ApiKeys.Configured key = presented == null || !keys.enabled() ? null : keys.find(presented);
            if (key != null) {
                SecurityContextHolder.getContext().setAuthentication(new KeyAuthentication(key));
                request.setAttribute(Clients.KEY_ATTRIBUTE, key.id());
            }
            chain.doFilter(request, response);
        }
    }

    /**
     * A key's prediction and training requests (the route's {@link io.netforge.web.Route.Limit}) are rate-limited
     * with Bucket4j's token buckets ({@code netforge.security.rate-limit}; 429 with Retry-After).
     */
    static final class RateLimits extends OncePerRequestFilter {

        private final SecurityProperties.RateLimit limit;
        private final Routes routes;
        private final JsonMapper json;
        private final Map<String, Bucket> predict = new ConcurrentHashMap<>();
        private final Map<String, Bucket> train = new ConcurrentHashMap<>();

        RateLimits(SecurityProperties.RateLimit limit, Routes routes, JsonMapper json) {
            this.limit = limit;
            this.routes = routes;
            this.json = json;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (SecurityContextHolder.getContext().getAuthentication() instanceof KeyAuthentication key) {
                Bucket bucket = switch (routes.of(request).limit()) {
                    case PREDICT -> limit.predictPerSecond() > 0 ? predict.computeIfAbsent(key.id(),
                            k -> bucket(limit.predictPerSecond(), Duration.ofSeconds(1))) : null;
                    case TRAIN -> limit.trainPerMinute() > 0 ? train.computeIfAbsent(key.id(),
                            k -> bucket(limit.trainPerMinute(), Duration.ofMinutes(1))) : null;
                    case NONE -> null;
                };
                if (bucket != null) {
                    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
                    if (!probe.isConsumed()) {
                        long wait = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
                        Problems.write(request, response, json, DomainException.tooManyRequests("key '" + key.id()
                                + "' sent more requests than netforge.security.rate-limit allows; try again in " + wait
                                + " s", wait).with("field", ApiKeys.HEADER));
                        return;
                    }
                }
            }
            chain.doFilter(request, response);
        }

        private static Bucket bucket(int tokens, Duration period) {
            return Bucket.builder().addLimit(Bandwidth.builder().capacity(tokens).refillGreedy(tokens, period).build())
                    .build();
        }
    }

    /**
     * Writes from another site are refused: a browser says where a request comes from ({@code Origin}, and
     * {@code Sec-Fetch-Site}), and a page elsewhere could otherwise upload or train through a user's browser (a
     * multipart form is a request a page may send anywhere). Clients that are not browsers send neither header.
     */
    static final class CrossSite extends OncePerRequestFilter {

        private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

        private final Set<String> allowed;
        private final JsonMapper json;

        CrossSite(java.util.List<String> allowedOrigins, JsonMapper json) {
            this.allowed = Set.copyOf(allowedOrigins);
            this.json = json;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (!SAFE.contains(request.getMethod()) && crossSite(request)) {
                Problems.write(request, response, json, DomainException.forbidden("a write from another site ("
                        + describe(request) + ") is refused: send it from this service's own pages, from an origin"
                        + " in netforge.security.allowed-origins, or from a client that is not a browser")
                        .with("field", request.getHeader("Origin") != null ? "Origin" : "Sec-Fetch-Site"));
                return;
            }
            chain.doFilter(request, response);
        }

        /**
         * Whether a browser says this write comes from another site's page. The Origin is compared with the origin
         * the request reached (scheme, host and port as the server sees them, after a proxy's forwarded headers
         * when server.forward-headers-strategy trusts them).
         */
        boolean crossSite(HttpServletRequest request) {
            String origin = request.getHeader("Origin");
            if (origin != null) {
                String sent = origin.strip().toLowerCase(java.util.Locale.ROOT);
                return !sent.equals(own(request)) && !allowed.contains(sent);
            }
            String fetchSite = request.getHeader("Sec-Fetch-Site");
            return fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none");
        }

        private static String own(HttpServletRequest request) {
            String scheme = request.getScheme().toLowerCase(java.util.Locale.ROOT);
            int port = request.getServerPort();
            boolean defaultPort = port < 0 || (scheme.equals("http") && port == 80)
                    || (scheme.equals("https") && port == 443);
            return scheme + "://" + request.getServerName().toLowerCase(java.util.Locale.ROOT)
                    + (defaultPort ? "" : ":" + port);
        }

        private static String describe(HttpServletRequest request) {
            String origin = request.getHeader("Origin");
            return origin != null ? "Origin " + origin : "Sec-Fetch-Site " + request.getHeader("Sec-Fetch-Site");
        }
    }
}
