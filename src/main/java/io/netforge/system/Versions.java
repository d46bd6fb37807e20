package io.netforge.system;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

/** Versions of what trains and serves a model, recorded in every model's provenance. */
@Component
public class Versions {

    private final String netforge;
    private final String nd4j;

    Versions(ObjectProvider<BuildProperties> build) {
        BuildProperties properties = build.getIfAvailable();
        this.netforge = properties == null ? "development" : properties.getVersion();
        this.nd4j = mavenVersion("org.nd4j", "nd4j-api");
    }

    public String netforge() {
        return netforge;
    }

    public String nd4j() {
        return nd4j;
    }

    public String java() {
        return System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version");
    }

    public String os() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
    }

    private static String mavenVersion(String group, String artifact) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Versions.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
