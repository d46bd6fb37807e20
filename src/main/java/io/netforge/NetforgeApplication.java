package io.netforge;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** netforge: trains feed-forward neural networks on uploaded tabular data and serves their predictions. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NetforgeApplication {

    /** The argument that only unpacks ND4J's native libraries into JavaCPP's cache and exits (the Dockerfile's build). */
    static final String UNPACK_NATIVE_LIBRARIES = "--unpack-native-libraries";

    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains(UNPACK_NATIVE_LIBRARIES)) {
            // loading the backend unpacks its libraries (about 400 MB) into org.bytedeco.javacpp.cachedir
            try (var probe = org.nd4j.linalg.factory.Nd4j.zeros(1)) {
                System.out.println("ND4J's native libraries are unpacked (" + probe.length() + " test value), in "
                        + System.getProperty("org.bytedeco.javacpp.cachedir", "~/.javacpp/cache"));
            }
            return;
        }
        java.util.OptionalInt relaunched = VectorModuleStart.relaunchIfNeeded();
        if (relaunched.isPresent()) {
            System.exit(relaunched.getAsInt());
        }
        io.netforge.system.OutOfMemory.exitOnUncaught();
        SpringApplication.run(NetforgeApplication.class, args);
    }
}
