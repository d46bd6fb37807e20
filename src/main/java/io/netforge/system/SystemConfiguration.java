package io.netforge.system;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans the features share. */
@Configuration(proxyBeanMethods = false)
class SystemConfiguration {

    /** The wall clock, as a bean so that time-dependent code states where its time comes from. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
