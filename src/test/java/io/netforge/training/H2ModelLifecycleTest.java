package io.netforge.training;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.TestDatabases;

/** {@link ModelLifecycleTest} on H2, the default profile's database. */
class H2ModelLifecycleTest extends ModelLifecycleTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }
}
