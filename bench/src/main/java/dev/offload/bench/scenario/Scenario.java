package dev.offload.bench.scenario;

import dev.offload.bench.load.LoadPlan;
import dev.offload.bench.load.Operation;
import java.util.List;
import java.util.Map;

/**
 * A way of loading the server: what one operation does, and which jobs must have succeeded at the end. Created per
 * run; the operation runs on the generator's event loop.
 */
public interface Scenario {

    /** Work before the measured run (submitting the jobs that the poll scenario reads); blocking. */
    default void prepare() throws InterruptedException {}

    Operation operation();

    /** Jobs that must be {@code succeeded} at the end; empty when the scenario submits none or is not verifying. */
    List<String> jobsToVerify();

    /** Called before each open-loop run (each step of a capacity search) with its plan. */
    default void begin(LoadPlan plan) {}

    /**
     * Percentiles in milliseconds of the phases of the operations measured since {@link #begin}, by phase; empty
     * when the scenario does not break its operations down.
     */
    default Map<String, Map<String, Double>> phasesMs() {
        return Map.of();
    }

    /** Whether the run checks its jobs at the end. */
    default boolean verifies() {
        return true;
    }
}
