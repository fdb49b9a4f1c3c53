package dev.offload.bench.scenario;

import dev.offload.bench.load.Operation;
import java.util.List;

/**
 * Durable submit throughput: one POST per operation ({@code /v1/jobs} with a demo.echo job by default), a success when
 * the status is the expected one (202). Pointed at a reference server with another {@code --path}, it measures that
 * server instead; then {@code recordJobs} is off, since the reference servers keep no jobs. With {@code recordJobs} on
 * and {@code verifyAtEnd} off, the run keeps the ids for a later check (measuring the accept path while no worker runs).
 */
public final class SubmitScenario implements Scenario {

    private final HttpTarget target;
    private final String path;
    private final BodyTemplate body;
    private final int expectedStatus;
    private final boolean recordJobs;
    private final boolean verifyAtEnd;
    private final JobLedger ledger = new JobLedger();

    public SubmitScenario(
            HttpTarget target,
            String path,
            BodyTemplate body,
            int expectedStatus,
            boolean recordJobs,
            boolean verifyAtEnd) {
        this.target = target;
        this.path = path;
        this.body = body;
        this.expectedStatus = expectedStatus;
        this.recordJobs = recordJobs;
        this.verifyAtEnd = verifyAtEnd;
    }

    @Override
    public Operation operation() {
        return sequence -> target.post(path, body.render(sequence)).map(reply -> {
            if (reply.status() != expectedStatus) {
                return Operation.Result.error("status " + reply.status());
            }
            if (recordJobs) {
                ledger.accepted(reply.body().toJsonObject());
            }
            return Operation.Result.ok();
        });
    }

    @Override
    public List<String> jobsToVerify() {
        return ledger.ids();
    }

    @Override
    public boolean verifies() {
        return verifyAtEnd;
    }
}
