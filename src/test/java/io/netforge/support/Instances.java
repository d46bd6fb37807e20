package io.netforge.support;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.netforge.NetforgeApplication;

/** Whole instances of the service on a shared database, started and stopped by a test (as deploys and crashes do). */
public final class Instances {

    private Instances() {
    }

    /** An instance on {@code db} on a free port, running {@code workers} training workers (0: it runs no jobs). */
    public static ConfigurableApplicationContext start(TestDatabases.Db db, int workers, String... more) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
                "--netforge.training.workers=" + workers));
        if (db.schema() != null) {
            args.add("--spring.flyway.schemas=" + db.schema());
            args.add("--spring.flyway.default-schema=" + db.schema());
        }
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(NetforgeApplication.class).run(args.toArray(String[]::new));
    }

    /** A client of the instance. */
    public static Http http(ConfigurableApplicationContext context) {
        return new Http(((WebServerApplicationContext) context).getWebServer().getPort());
    }
}
