package io.netforge.model;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.TestDatabases;

/** {@link StoredModelCompatibilityContract} on an in-memory H2 database (the default profile's engine). */
class StoredModelCompatibilityH2Test extends StoredModelCompatibilityContract {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }
}
