package dev.offload.gateway.management;

import io.vertx.core.Future;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A readiness probe of one dependency. The probe must not block (run blocking clients on virtual threads) and is
 * bounded by the management server's timeout.
 *
 * @param name the dependency, e.g. {@code store} or {@code broker}
 * @param probe starts one check; a failed future means not ready; a future completed with a {@code Map} adds it to
 *     the check's {@code details}
 */
public record HealthCheck(String name, Supplier<Future<?>> probe) {
    public HealthCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(probe, "probe");
    }
}
