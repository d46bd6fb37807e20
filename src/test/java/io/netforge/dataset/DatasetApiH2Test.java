package io.netforge.dataset;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.TestDatabases;

/** The dataset API on an in-memory H2 database (the default profile's engine). */
class DatasetApiH2Test extends DatasetApiContract {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }
}
