package dev.offload.bench;

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
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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

        @Override
        public Integer call() throws Exception {
            return run(
                    "submit",
                    load,
                    0,
                    load.connections,
                    Map.of("path", path, "body", body),
                    target -> new SubmitScenario(target.http(), path, new BodyTemplate(body), expect, !noVerify));
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
            LoadPlan plan = load.plan(count);
            String name = load.name != null ? load.name : scenarioName;
            System.err.printf(
                    "%s: %s, %.0f/s, %d operations, at most %d in flight%n",
                    name, http.address(), plan.rate(), plan.total(), plan.maxOutstanding());
            Instant started = Instant.now();
            RunResult result = new OpenLoopGenerator(vertx, plan, scenario.operation(), System.err).run();
            RunReport.Verification verification = null;
            if (scenario.verifies()) {
                System.err.printf("verifying %d jobs%n", scenario.jobsToVerify().size());
                verification = new JobVerifier(vertx, http).verify(scenario.jobsToVerify(), VERIFY_PATIENCE);
            }
            Map<String, Object> config = load.describe();
            config.put("scenario", scenarioName);
            config.putAll(extraConfig);
            RunReport report =
                    RunReport.of(name, started.toString(), config, result, verification, ProcessUsage.current());
            var json = new ReportWriter(load.results).write(report, started);
            System.out.print(SummaryTable.format(report));
            System.out.println("  results              " + json + " (and .html)");
            return exitCode(report, load.failOnErrors);
        } finally {
            vertx.close().await();
        }
    }

    private static int exitCode(RunReport report, boolean failOnErrors) {
        RunReport.Verification v = report.verification();
        if (v != null && !v.passed()) {
            System.err.printf("FAILED: %d of %d jobs did not succeed%n", v.submitted() - v.succeeded(), v.submitted());
            v.notSucceeded().forEach((id, state) -> System.err.println("  " + id + " " + state));
            return LOST_JOBS;
        }
        if (failOnErrors && report.totals().errors() > 0) {
            System.err.println("FAILED: operations failed: " + report.errors());
            return FAILED_OPERATIONS;
        }
        return 0;
    }
}
