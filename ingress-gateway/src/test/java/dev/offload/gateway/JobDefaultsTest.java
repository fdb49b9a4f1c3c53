package dev.offload.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.config.ConfigException;
import dev.offload.config.Settings;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobDefaultsTest {

    @Test
    void cacheableTypesAreRead() {
        Settings settings = Settings.of(Map.of("jobs.types", "a,b,c", "jobs.cacheableTypes", "a,c"));

        JobDefaults jobs = JobDefaults.from(settings, Set.of("default"));

        assertThat(jobs.cacheableTypes()).containsExactlyInAnyOrder("a", "c");
    }

    @Test
    void cacheableTypeThatIsNotAJobTypeStopsStartUpNamingTheKey() {
        Settings settings = Settings.of(Map.of("jobs.types", "a,b", "jobs.cacheableTypes", "a,typo"));

        JobDefaults.from(settings, Set.of("default"));

        assertThatThrownBy(() -> settings.validate(JobDefaults.keys()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobs.cacheableTypes")
                .hasMessageContaining("typo");
    }
}
