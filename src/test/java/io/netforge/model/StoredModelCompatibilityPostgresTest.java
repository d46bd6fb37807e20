package io.netforge.model;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.TestDatabases;

/** {@link StoredModelCompatibilityContract} on a real PostgreSQL (production's engine), in a fresh schema. */
class StoredModelCompatibilityPostgresTest extends StoredModelCompatibilityContract {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.postgres().register(registry);
    }
}
