package io.netforge.dataset;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.TestDatabases;

/** The dataset API on a real PostgreSQL (production's engine), in a fresh schema. */
class DatasetApiPostgresTest extends DatasetApiContract {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.postgres().register(registry);
    }
}
