package dev.offload.bench;

import dev.offload.bench.capacity.SustainCriteria;
import dev.offload.bench.load.LoadPlan;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every load scenario shares (a picocli mixin). */
final class LoadOptions {

    @Option(
            names = "--target",
            defaultValue = "http://127.0.0.1:8080",
            description = "Base URL of the server under test.")
    URI target;

    @Option(names = "--api-key", description = "API key sent as a bearer token (none for the reference servers).")
    String apiKey;

    @Option(names = "--rate", defaultValue = "100", description = "Operations started per second (open loop).")
    double rate;

    @Option(
            names = "--duration",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Measured time.")
    Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Time at the same rate before measuring.")
    Duration warmup;

    @Option(
            names = "--ramp",
            description =
                    "Ramp the rate up over --warmup, from a tenth of it to all of it, instead of offering the full"
                            + " rate to cold processes (with --steps: the first step's warm-up only; longpoll: its clients arrive"
                            + " at the rising rate and all are measured).")
    boolean ramp;

    @Option(names = "--connections", defaultValue = "64", description = "HTTP/1.1 keep-alive connections for requests.")
    int connections;

    @Option(
            names = "--max-outstanding",
            defaultValue = "2000",
            description = "Bound on operations in flight; an operation due beyond it is an 'over-bound' error.")
    int maxOutstanding;

    @Option(
            names = "--drain-timeout",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How long to wait for operations in flight after the last one was started.")
    Duration drainTimeout;

    @Option(
            names = "--results",
            defaultValue = "bench/results",
            description = "Directory of the JSON and HTML results.")
    Path results;

    @Option(names = "--name", description = "Name of the run in the results (default: the scenario).")
    String name;

    @Option(names = "--fail-on-errors", description = "Exit with 3 when any operation failed.")
    boolean failOnErrors;

    @Option(
            names = "--steps",
            split = ",",
            description = "Capacity search: run at each of these rates in turn (ascending, in one process; --rate is"
                    + " then ignored), each for --duration after --step-settle (the first after --warmup), and stop"
                    + " after the first rate that is not sustained.")
    List<Double> steps = List.of();

    @Option(
            names = "--step-retries",
            defaultValue = "0",
            description = "Capacity search: how many more times a rate that was not sustained is measured before the"
                    + " search stops (a retry that keeps up continues the search).")
    int stepRetries;

    @Option(
            names = "--step-settle",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Time at a new step's rate before measuring it.")
    Duration stepSettle;

    @Option(
            names = "--sustain-p99",
            defaultValue = "250",
            description = "Capacity search: the p99 (ms) above which a rate does not count as sustained.")
    double sustainP99;

    @Option(
            names = "--sustain-share",
            defaultValue = "0.97",
            description =
                    "Capacity search: the share of the offered rate that must succeed for it to count as sustained.")
    double sustainShare;

    LoadPlan plan(long count) {
        return plan(count, rate, warmup, ramp);
    }

    /**
     * The plan of one run at {@code rate}, measured after {@code warmup}, ramped over it if {@code ramp}; a counted
     * run (count more than 0) measures every operation and uses {@code warmup} only as the length of its ramp.
     */
    LoadPlan plan(long count, double rate, Duration warmup, boolean ramp) {
        return new LoadPlan(
                rate,
                count > 0 ? Duration.ZERO : duration,
                count > 0 && !ramp ? Duration.ZERO : warmup,
                count,
                maxOutstanding,
                drainTimeout,
                ramp);
    }

    SustainCriteria sustainCriteria() {
        return new SustainCriteria(sustainShare, sustainP99);
    }

    Map<String, Object> describe() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("target", target.toString());
        config.put("rate", rate);
        config.put("duration", duration.toString());
        config.put("warmup", warmup.toString());
        config.put("ramp", ramp);
        config.put("connections", connections);
        config.put("maxOutstanding", maxOutstanding);
        config.put("cores", Runtime.getRuntime().availableProcessors());
        if (!steps.isEmpty()) {
            config.put("steps", steps);
            config.put("stepSettle", stepSettle.toString());
            config.put("stepRetries", stepRetries);
        }
        return config;
    }
}
