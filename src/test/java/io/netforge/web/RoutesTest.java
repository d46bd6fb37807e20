package io.netforge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import io.netforge.support.TestDatabases;

/**
 * Every route's policy is declared beside its handler and read from the handler Spring resolves: every netforge
 * handler has one; a path's other spellings ({@code ;}, {@code ;x=1}, {@code %XX}, {@code //}, {@code /./}, case, a
 * trailing {@code /}) get the route's policy or no route at all, so none reaches a protected handler without its key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "netforge.security.enabled=true", "netforge.security.api-keys=admin-key", "netforge.security.protect-metrics=true",
        "netforge.security.protect-reads=true", "netforge.security.protect-predict=true",
        "netforge.training.workers=0"})
class RoutesTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @Autowired
    Routes routes;

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @LocalServerPort
    int port;

    @Test
    void everyNetforgeHandlerDeclaresItsRoute() {
        List<String> missing = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (method.getBeanType().getName().startsWith("io.netforge.") && !method.hasMethodAnnotation(Route.class)) {
                missing.add(info + " " + method);
            }
        });
        assertThat(mappings.getHandlerMethods()).hasSizeGreaterThan(40);
        assertThat(missing).isEmpty();
    }

    @Test
    void aRequestGetsThePolicyOfTheRouteSpringServesItBy() {
        assertThat(policy("GET", "/audit", null).access()).isEqualTo(Route.Access.ADMIN);
        assertThat(policy("GET", "/audit;x=1", null).access()).isEqualTo(Route.Access.ADMIN);
        assertThat(policy("GET", "/audit;", null).pattern()).isEqualTo("GET /audit");
        assertThat(policy("POST", "/models", "application/json").idempotent()).isTrue();
        assertThat(policy("POST", "/models", "application/json").limit()).isEqualTo(Route.Limit.TRAIN);
        assertThat(policy("POST", "/models/abc/cancel", null).pattern()).isEqualTo("POST /models/{id}/cancel");
        assertThat(policy("POST", "/models/abc/predict", "text/csv").protocol()).isEqualTo("csv");
        assertThat(policy("POST", "/models/abc/predict", "application/json").protocol()).isEqualTo("predict");
        assertThat(policy("POST", "/v2/models/abc/versions/2/infer", "application/json").access())
                .isEqualTo(Route.Access.PREDICT);
        assertThat(policy("DELETE", "/datasets/abc", null).access()).isEqualTo(Route.Access.ADMIN);
        assertThat(policy("GET", "/actuator/prometheus", null).access()).isEqualTo(Route.Access.METRICS);
        assertThat(policy("GET", "/actuator/health/readiness", null).access()).isEqualTo(Route.Access.PUBLIC);
        assertThat(policy("GET", "/index.html", null).access()).isEqualTo(Route.Access.PUBLIC);
        assertThat(policy("PUT", "/audit", null).handled()).isFalse();
    }

    @Test
    void noSpellingOfAProtectedPathAnswersWithoutItsKey() throws Exception {
        for (String path : List.of("/audit", "/audit;", "/audit;x=1", "/%61udit", "/%61%75dit", "//audit", "/./audit",
                "/Audit", "/AUDIT", "/audit/", "/audit/.", "/x/../audit", "/actuator/prometheus",
                "/actuator;/prometheus", "/actuator/prometheus;", "/actuator/%70rometheus", "//actuator/prometheus",
                "/actuator/./prometheus")) {
            String answer = raw("GET", path, null);
            int status = Integer.parseInt(answer.substring(9, 12));
            assertThat(status).as(path + ": " + answer.lines().findFirst().orElse("")).isNotEqualTo(200);
            assertThat(answer).as(path).doesNotContain("\"entries\"").doesNotContain("netforge_jobs");
        }
        assertThat(raw("GET", "/audit", "admin-key")).startsWith("HTTP/1.1 200");
        assertThat(raw("GET", "/actuator/prometheus", "admin-key")).startsWith("HTTP/1.1 200");
    }

    /**
     * Every route that needs a key, in every spelling of its path: none answers without the key (nor with a 5xx),
     * whatever the spelling; the firewall refuses some spellings (400), the rest reach the route and its policy (401)
     * or no route (404, 405).
     */
    @Test
    void everyProtectedRouteInEverySpellingNeedsItsKey() throws Exception {
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        for (var entry : mappings.getHandlerMethods().entrySet()) {
            Route route = entry.getValue().getMethodAnnotation(Route.class);
            if (route == null || route.access() == Route.Access.PUBLIC) {
                continue;
            }
            var info = entry.getKey();
            Set<String> methods = info.getMethodsCondition().getMethods().isEmpty() ? Set.of("GET")
                    : info.getMethodsCondition().getMethods().stream().map(Enum::name)
                            .collect(java.util.stream.Collectors.toSet());
            // the route's own content type, so that the route (not Spring's 415) answers
            String type = info.getConsumesCondition().getConsumableMediaTypes().stream().findFirst()
                    .map(Object::toString).map(t -> t.replace("*", "x")).orElse(null);
            for (String pattern : info.getPatternValues()) {
                String path = pattern.replaceAll("\\{[^}]+}", "0b6f1a2c-3d4e-4f50-8a61-7b8c9d0e1f20");
                for (String method : methods) {
                    for (String spelling : spellings(path)) {
                        String answer = raw(method, spelling, null, type);
                        int status = Integer.parseInt(answer.substring(9, 12));
                        checked++;
                        // a 400 only from the firewall or the container, never from a handler that ran without its key
                        boolean refusedBeforeRouting = status == 400 && (answer.contains("which no path of this API")
                                || answer.contains("the request could not be read"));
                        if (!Set.of(401, 404, 405).contains(status) && !refusedBeforeRouting) {
                            leaks.add(method + " " + spelling + " -> " + answer.lines().findFirst().orElse(""));
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(300);
        assertThat(leaks).isEmpty();
    }

    /** A path as a client might spell it to slip past a check on the raw path. */
    private static List<String> spellings(String path) {
        String first = path.substring(1).split("/")[0];
        String rest = path.substring(1 + first.length());
        String encoded = "/%" + Integer.toHexString(first.charAt(0)).toUpperCase(java.util.Locale.ROOT)
                + first.substring(1) + rest;
        return List.of(path, path + ";", path + ";x=1", "/" + first + ";x=1" + rest, encoded, "/" + path,
                "/." + path, "/" + first.toUpperCase(java.util.Locale.ROOT) + rest, path + "/", "/x/.." + path,
                path.replace("/", "//"));
    }

    private Routes.Policy policy(String method, String path, String contentType) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        int semicolon = path.indexOf(';');
        request.setRequestURI(path);
        request.setServletPath(semicolon < 0 ? path : path.substring(0, semicolon));
        if (contentType != null) {
            request.setContentType(contentType);
            request.addHeader("Content-Type", contentType);
        }
        return routes.of(request);
    }

    /** A request written as bytes, so that the path reaches the server exactly as spelt. */
    private String raw(String method, String path, String key) throws Exception {
        return raw(method, path, key, null);
    }

    private String raw(String method, String path, String key, String contentType) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (key == null ? "" : "X-API-Key: " + key + "\r\n")
                    + (contentType == null ? "" : "Content-Type: " + contentType + "\r\nContent-Length: 0\r\n")
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
