package io.netforge;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** netforge: trains feed-forward neural networks on uploaded tabular data and serves their predictions. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NetforgeApplication {

    public static void main(String[] args) {
        SpringApplication.run(NetforgeApplication.class, args);
    }
}
