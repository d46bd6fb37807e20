package io.netforge.web;

import java.util.UUID;
import java.util.regex.Pattern;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;

/**
 * Errors made before a controller runs: Tomcat's own refusals answered as problem+json
 * ({@link ProblemErrorReportValve}), and ids in paths parsed strictly.
 */
@Configuration(proxyBeanMethods = false)
class ContainerErrors {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorPages() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }

    /** Binds every UUID of a path or query with {@link StrictUuidConverter} (before Spring's lenient default). */
    @org.springframework.web.bind.annotation.ControllerAdvice
    static class StrictIds {

        @org.springframework.web.bind.annotation.InitBinder
        void strictUuids(org.springframework.web.bind.WebDataBinder binder) {
            StrictUuidConverter converter = new StrictUuidConverter();
            binder.registerCustomEditor(UUID.class, new java.beans.PropertyEditorSupport() {
                @Override
                public void setAsText(String text) {
                    setValue(text == null || text.isEmpty() ? null : converter.convert(text));
                }
            });
        }
    }

    /**
     * A UUID only in its canonical form (8-4-4-4-12 hex digits): {@link UUID#fromString} also takes
     * {@code 1-2-3-4-5}, which names a model nobody created and should be a 400, not a 404.
     */
    static final class StrictUuidConverter implements Converter<String, UUID> {

        private static final Pattern CANONICAL = Pattern.compile(
                "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

        @Override
        public UUID convert(String source) {
            String text = source.strip();
            if (!CANONICAL.matcher(text).matches()) {
                throw new IllegalArgumentException("not a UUID in its canonical form: " + source);
            }
            return UUID.fromString(text);
        }
    }
}
