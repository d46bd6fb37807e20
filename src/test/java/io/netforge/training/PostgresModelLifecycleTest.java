package io.netforge.training;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.TestDatabases;

/** {@link ModelLifecycleTest} on a real PostgreSQL. */
class PostgresModelLifecycleTest extends ModelLifecycleTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.postgres().register(registry);
    }
}
