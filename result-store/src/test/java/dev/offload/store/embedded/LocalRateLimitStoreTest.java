package dev.offload.store.embedded;

import dev.offload.store.JobStores;
import dev.offload.store.RateLimitStore;
import dev.offload.store.RateLimitStoreContract;
import java.time.Clock;

class LocalRateLimitStoreTest extends RateLimitStoreContract {
    @Override
    protected RateLimitStore openLimits() {
        return JobStores.localRateLimits(Clock.systemUTC());
    }
}
