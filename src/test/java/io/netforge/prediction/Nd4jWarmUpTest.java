package io.netforge.prediction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import io.netforge.NetforgeApplication;
import io.netforge.support.TestDatabases;

/**
 * An instance reports itself ready only once ND4J's backend is loaded, so that its first {@code /predict}
 * after a start (a deploy, or a restart after a crash) does not wait seconds for native libraries to load.
 */
class Nd4jWarmUpTest {

    @Test
    void loadsTheNd4jBackendBeforeTheInstanceAcceptsTraffic() {
        TestDatabases.Db db = TestDatabases.h2();
        List<Boolean> warmedUpWhenReady = new CopyOnWriteArrayList<>();
        ApplicationListener<AvailabilityChangeEvent<?>> readiness = event -> {
            if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
                ApplicationContext context = (ApplicationContext) event.getSource();
                warmedUpWhenReady.add(context.getBean(Nd4jWarmUp.class).done());
            }
        };
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(NetforgeApplication.class)
                .listeners(readiness)
                .run("--server.port=0", "--spring.datasource.url=" + db.url(),
                        "--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
                        "--netforge.training.workers=0")) {
            assertThat(warmedUpWhenReady).containsExactly(true);
        }
    }
}
