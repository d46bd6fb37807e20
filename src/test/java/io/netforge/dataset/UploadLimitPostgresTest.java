package io.netforge.dataset;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.TestDatabases;

class UploadLimitPostgresTest extends UploadLimitContract {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.postgres().register(registry);
    }
}
