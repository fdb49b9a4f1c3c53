package dev.offload.bench;

import dev.offload.bench.capacity.CapacityReport;
import dev.offload.bench.capacity.StepSequence;
import dev.offload.bench.capacity.SustainCriteria;
import dev.offload.bench.load.LoadPlan;
import dev.offload.bench.load.OpenLoopGenerator;
import dev.offload.bench.load.RunResult;
import dev.offload.bench.report.ProcessUsage;
import dev.offload.bench.report.ReportWriter;
import dev.offload.bench.report.RunReport;
import dev.offload.bench.report.SummaryTable;
import dev.offload.bench.scenario.BodyTemplate;
import dev.offload.bench.scenario.EndToEndScenario;
import dev.offload.bench.scenario.HttpTarget;
import dev.offload.bench.scenario.JobVerifier;
import dev.offload.bench.scenario.LongPollScenario;
import dev.offload.bench.scenario.PollScenario;
import dev.offload.bench.scenario.Scenario;
import dev.offload.bench.scenario.SubmitScenario;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code offload-bench <scenario|reference> [options]}: the load scenarios against a running Offload (submit, e2e,
 * poll, longpoll) and the reference ceilings (ref-http, ref-accept, ref-kafka). Exit codes: 0 passed, 1 a submitted
 * job was lost or did not succeed, 2 bad options, 3 operations failed and {@code --fail-on-errors} was given.
 */
@Command(
        name = "offload-bench",
        mixinStandardHelpOptions = true,
        subcommands = {
            BenchCli.Submit.class,
            BenchCli.EndToEnd.class,
            BenchCli.Poll.class,
            BenchCli.LongPoll.class,
            BenchCli.Verify.class,
            ReferenceCommands.RefHttp.class,
            ReferenceCommands.RefAccept.class,
            ReferenceCommands.RefKafka.class
        })
public final class BenchCli {

    static final int LOST_JOBS = 1;
    static final int FAILED_OPERATIONS = 3;
    private static final Duration VERIFY_PATIENCE = Duration.ofMinutes(2);

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCli()).execute(args));
    }

    @Command(name = "submit", description = "POST a job (or --body to --path) per operation; 202 expected.")
    static final class Submit implements Callable<Integer> {
        @Mixin
        LoadOptions load;

        @Option(names = "--path", defaultValue = "/v1/jobs")
        String path;

        @Option(names = "--body", defaultValue = "{\"type\":\"demo.echo\",\"payload\":{\"n\":{{seq}}}}")
        String body;

        @Option(names = "--expect", defaultValue = "202", description = "The status that counts as success.")
        int expect;

        @Option(names = "--no-verify", description = "Do not check the jobs at the end (for the reference servers).")
        boolean noVerify;

        @Option(
                names = "--defer-verify",
                description = "Write the accepted job ids to this file instead of checking them now; `verify --ids`"
                        + " checks them later (to measure the accept path while no worker runs).")
        Path deferVerify;

        @Override
        public Integer call() throws Exception {
            boolean verify = !noVerify && deferVerify == null;
            SubmitScenario[] built = new SubmitScenario[1];
            int status = run(
                    "submit",
                    load,
                    0,
                    load.connections,
                    Map.of("path", path, "body", body),
                    target -> built[0] =
                            new SubmitScenario(target.http(), path, new BodyTemplate(body), expect, !noVerify, verify));
            if (deferVerify != null) {
                Files.write(deferVerify, built[0].jobsToVerify());
                System.err.printf(
                        "%d job ids written to %s for `verify --ids`%n",
                        built[0].jobsToVerify().size(), deferVerify);
            }
            return status;
        }
    }

    @Command(name = "verify", description = "Check that every job listed in --ids (one id per line) succeeded.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--target", defaultValue = "http://127.0.0.1:8080", description = "Base URL of Offload.")
        URI target;

        @Option(names = "--api-key", description = "API key sent as a bearer token.")
        String apiKey;

        @Option(names = "--ids", required = true, description = "File of job ids, one per line.")
        Path ids;

        @Option(
                names = "--patience",
                defaultValue = "5m",
                converter = DurationConverter.class,
                description = "How long to wait for jobs that are not finished yet.")
        Duration patience;

        @Override
        public Integer call() throws Exception {
            List<String> jobIds =
                    Files.readAllLines(ids).stream().filter(id -> !id.isBlank()).toList();
            Vertx vertx = Vertx.vertx();
            try (HttpTarget http = new HttpTarget(vertx, target, apiKey, JobVerifier.PARALLEL, JobVerifier.PARALLEL)) {
                System.err.printf("verifying %d jobs%n", jobIds.size());
                RunReport.Verification v = new JobVerifier(vertx, http).verify(jobIds, patience);
                System.out.printf("  %-20s %d of %d%n", "jobs succeeded", v.succeeded(), v.submitted());
                return verdict(v);
            } finally {
                vertx.close().await();
            }
        }
    }

    @Command(
            name = "e2e",
            description = "Submit no-op jobs; latency from the intended submit to succeeded (long-poll).")
    static final class EndToEnd implements Callable<Integer> {
        @Mixin
        LoadOptions load;

        @Option(names = "--body", defaultValue = "{\"type\":\"demo.echo\",\"payload\":{\"n\":{{seq}}}}")
        String body;

        @Override
        public Integer call() throws Exception {
            return run(
                    "e2e",
                    load,
                    0,
                    load.maxOutstanding,
                    Map.of("body", body),
                    target -> new EndToEndScenario(target.http(), new BodyTemplate(body)));
        }
    }

    @Command(name = "poll", description = "GET already finished jobs (prepared first), round robin; 200 expected.")
    static final class Poll implements Callable<Integer> {
        @Mixin
        LoadOptions load;

        @Option(names = "--jobs", defaultValue = "100", description = "Finished jobs to poll.")
        int jobs;

        @Override
        public Integer call() throws Exception {
            return run(
                    "poll",
                    load,
                    0,
                    load.connections,
                    Map.of("jobs", jobs),
                    target -> new PollScenario(target.vertx(), target.http(), jobs));
        }
    }

    @Command(name = "longpoll", description = "N clients each submit a staggered demo.sleep job and long-poll it.")
    static final class LongPoll implements Callable<Integer> {
        @Mixin
        LoadOptions load;

        @Option(names = "--clients", defaultValue = "1000", description = "Waiting clients (one job each).")
        long clients;

        @Option(names = "--sleep-min", defaultValue = "2s", converter = DurationConverter.class)
        Duration sleepMin;

        @Option(names = "--sleep-spread", defaultValue = "3s", converter = DurationConverter.class)
        Duration sleepSpread;

        @Override
        public Integer call() throws Exception {
            load.maxOutstanding = (int) Math.max(load.maxOutstanding, clients);
            Map<String, Object> extra =
                    Map.of("clients", clients, "sleepMin", sleepMin.toString(), "sleepSpread", sleepSpread.toString());
            return run(
                    "longpoll",
                    load,
                    clients,
                    (int) clients,
                    extra,
                    target -> new LongPollScenario(target.http(), clients, sleepMin, sleepSpread));
        }
    }

    /** What a scenario is built from. */
    record Target(Vertx vertx, HttpTarget http) {}

    private static int run(
            String scenarioName,
            LoadOptions load,
            long count,
            int waitConnections,
            Map<String, Object> extraConfig,
            Function<Target, Scenario> scenarioOf)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        try (HttpTarget http = new HttpTarget(vertx, load.target, load.apiKey, load.connections, waitConnections)) {
            Scenario scenario = scenarioOf.apply(new Target(vertx, http));
            scenario.prepare();
            String name = load.name != null ? load.name : scenarioName;
            Map<String, Object> config = load.describe();
            config.put("scenario", scenarioName);
            config.putAll(extraConfig);
            Measurement measure = (runName, plan) -> {
                System.err.printf(
                        "%s: %s, %.0f/s, %d operations, at most %d in flight%n",
                        runName, http.address(), plan.rate(), plan.total(), plan.maxOutstanding());
                Instant started = Instant.now();
                scenario.begin(plan);
                RunResult result = new OpenLoopGenerator(vertx, plan, scenario.operation(), System.err).run();
                Map<String, Object> runConfig = new java.util.LinkedHashMap<>(config);
                runConfig.put("rate", plan.rate());
                RunReport report = RunReport.of(
                        runName,
                        started.toString(),
                        runConfig,
                        result,
                        scenario.phasesMs(),
                        null,
                        ProcessUsage.current());
                return new Measured(report, started);
            };
            ReportWriter writer = new ReportWriter(load.results);
            RunReport last;
            if (load.steps.isEmpty() || count > 0) {
                Measured measured = measure.run(name, load.plan(count));
                last = withVerification(measured.report(), scenario, vertx, http);
                var json = writer.write(last, measured.started());
                System.out.print(SummaryTable.format(last));
                System.out.println("  results              " + json + " (and .html)");
            } else {
                last = searchCapacity(name, load, measure, writer, () -> verify(scenario, vertx, http));
            }
            return exitCode(last, load.failOnErrors);
        } finally {
            vertx.close().await();
        }
    }

    /** One open-loop run of the scenario under a plan; the report has no verification yet. */
    @FunctionalInterface
    private interface Measurement {
        Measured run(String name, LoadPlan plan) throws Exception;
    }

    private record Measured(RunReport report, Instant started) {}

    /**
     * Runs the scenario at each of {@code --steps} rates in turn and stops after the first one that is not sustained
     * (measured {@code --step-retries} more times first);
     * writes every step's report and the search's {@link CapacityReport}. Returns the last step's report (whose
     * errors decide {@code --fail-on-errors}).
     */
    private static RunReport searchCapacity(
            String name, LoadOptions load, Measurement measure, ReportWriter writer, Verifier verifier)
            throws Exception {
        SustainCriteria criteria = load.sustainCriteria();
        List<CapacityReport.Step> steps = new ArrayList<>();
        List<String> files = new ArrayList<>();
        Instant searchStarted = Instant.now();
        RunReport last = null;
        StepSequence sequence = new StepSequence(load.steps, load.stepRetries);
        for (OptionalDouble next = sequence.next(); next.isPresent(); next = sequence.next()) {
            double rate = next.getAsDouble();
            boolean first = steps.isEmpty();
            // The first step carries the warm-up of every JVM involved; later ones only settle at the new rate.
            Measured measured = measure.run(
                    String.format(Locale.ROOT, "%s@%.0f", name, rate),
                    load.plan(0, rate, first ? load.warmup : load.stepSettle, first && load.ramp));
            last = measured.report();
            files.add(writer.write(last, measured.started()).getFileName().toString());
            SustainCriteria.Verdict verdict = criteria.judge(rate, last);
            CapacityReport.Step step = new CapacityReport.Step(
                    rate,
                    last.totals().succeededPerSecond(),
                    last.latencyMs().getOrDefault("p50", 0.0),
                    last.latencyMs().getOrDefault("p99", 0.0),
                    last.totals().errors(),
                    verdict.sustained(),
                    verdict.reason());
            steps.add(step);
            System.err.printf(
                    Locale.ROOT,
                    "step %.0f/s: %.0f ok/s, p50 %.1f ms, p99 %.1f ms: %s%n",
                    rate,
                    step.okPerSecond(),
                    step.p50Ms(),
                    step.p99Ms(),
                    verdict.reason());
            sequence.record(verdict.sustained());
        }
        RunReport.Verification verification = verifier.verify();
        CapacityReport report =
                new CapacityReport(name, criteria, steps, CapacityReport.sustainedRate(steps), verification, files);
        var json = writer.writeCapacity(report, searchStarted);
        System.out.print(SummaryTable.format(report));
        System.out.println("  results              " + json);
        return last.withVerification(verification);
    }

    /** Checks that every job the scenario submitted succeeded; null when the scenario submits none. */
    @FunctionalInterface
    private interface Verifier {
        RunReport.Verification verify() throws Exception;
    }

    private static RunReport withVerification(RunReport report, Scenario scenario, Vertx vertx, HttpTarget http)
            throws Exception {
        return report.withVerification(verify(scenario, vertx, http));
    }

    private static RunReport.Verification verify(Scenario scenario, Vertx vertx, HttpTarget http) throws Exception {
        if (!scenario.verifies()) {
            return null;
        }
        System.err.printf("verifying %d jobs%n", scenario.jobsToVerify().size());
        return new JobVerifier(vertx, http).verify(scenario.jobsToVerify(), VERIFY_PATIENCE);
    }

    private static int verdict(RunReport.Verification v) {
        if (v != null && !v.passed()) {
            System.err.printf("FAILED: %d of %d jobs did not succeed%n", v.submitted() - v.succeeded(), v.submitted());
            v.notSucceeded().forEach((id, state) -> System.err.println("  " + id + " " + state));
            return LOST_JOBS;
        }
        return 0;
    }

    private static int exitCode(RunReport report, boolean failOnErrors) {
        if (verdict(report.verification()) != 0) {
            return LOST_JOBS;
        }
        if (failOnErrors && report.totals().errors() > 0) {
            System.err.println("FAILED: operations failed: " + report.errors());
            return FAILED_OPERATIONS;
        }
        return 0;
    }
}
