package dev.offload.worker.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.model.Json;
import dev.offload.model.http.HeaderField;
import dev.offload.model.http.HttpRequestJob;
import dev.offload.model.http.HttpResponseResult;
import dev.offload.model.http.RetryRule;
import dev.offload.worker.spi.JobContext;
import dev.offload.worker.spi.JobHandler;
import dev.offload.worker.spi.PermanentJobFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The built-in handler of job type {@value HttpRequestJob#TYPE}: replays a request captured by an offload route to
 * the route's upstreams (round-robin from a rotating start, the next upstream when one cannot be connected) and
 * returns the upstream's status, headers and body bytes as the result. An answer the route's retry rule does not
 * name is the result, whatever its status; a retryable answer, timeout or connection failure fails the attempt so
 * that the worker retries it with backoff, except on the last attempt, where a retryable answer is kept as the
 * result (the client then sees what the upstream said).
 *
 * <p>Thread-safe; blocks its (virtual) thread on the HTTP exchange, as {@link JobHandler} allows.
 */
public final class HttpReplayHandler implements JobHandler {
    /** Headers the JDK client sets itself and refuses to take from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public String type() {
        return HttpRequestJob.TYPE;
    }

    @Override
    public JsonNode handle(JobContext context) throws Exception {
        HttpRequestJob job = read(context.payload());
        RetryRule retry = RetryRule.of(job.retryOn());
        boolean lastAttempt = context.attempt() >= context.maxAttempts();
        List<String> failures = new ArrayList<>();
        int start = Math.floorMod(next.getAndIncrement(), job.upstreams().size());
        for (int i = 0; i < job.upstreams().size(); i++) {
            String upstream = job.upstreams().get((start + i) % job.upstreams().size());
            HttpResponse<InputStream> response;
            try {
                response = client.send(request(job, upstream), HttpResponse.BodyHandlers.ofInputStream());
            } catch (ConnectException e) {
                failures.add(upstream + ": cannot connect (" + e.getMessage() + ")");
                continue;
            } catch (HttpTimeoutException e) {
                String why = "upstream " + upstream + " did not answer within "
                        + job.timeout().toMillis() + " ms";
                throw retry.retriesTimeouts() ? new UpstreamFailure(why) : new PermanentJobFailure(why);
            }
            HttpResponseResult result = new HttpResponseResult(
                    response.statusCode(), responseFields(response), body(response, job), upstream);
            if (retry.retriesStatus(result.status()) && !lastAttempt) {
                throw new UpstreamFailure("upstream " + upstream + " answered " + result.status() + ", which route '"
                        + job.route() + "' retries");
            }
            return Json.MAPPER.valueToTree(result);
        }
        String why = "no upstream of route '" + job.route() + "' could be reached: " + String.join("; ", failures);
        throw retry.retriesConnectionFailures() ? new UpstreamFailure(why) : new PermanentJobFailure(why);
    }

    private static HttpRequestJob read(JsonNode payload) throws PermanentJobFailure {
        try {
            return Json.MAPPER.treeToValue(payload, HttpRequestJob.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new PermanentJobFailure("the payload is not a captured HTTP request: " + e.getMessage());
        }
    }

    private static HttpRequest request(HttpRequestJob job, String upstream) {
        String base = upstream.endsWith("/") ? upstream.substring(0, upstream.length() - 1) : upstream;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + job.pathAndQuery()))
                .timeout(job.timeout())
                .method(
                        job.method(),
                        job.body().length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(job.body()));
        if (upstream.startsWith("http:")) {
            // No h2c upgrade dance with cleartext upstreams; https ones negotiate HTTP/2 by ALPN.
            request.version(HttpClient.Version.HTTP_1_1);
        }
        for (HeaderField h : job.headers()) {
            if (!RESTRICTED.contains(h.name().toLowerCase(Locale.ROOT))) {
                request.header(h.name(), h.value());
            }
        }
        return request.build();
    }

    private static List<HeaderField> responseFields(HttpResponse<?> response) {
        List<HeaderField> fields = new ArrayList<>();
        for (Map.Entry<String, List<String>> h : response.headers().map().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(":")
                    || RESTRICTED.contains(name)
                    || name.equals("keep-alive")
                    || name.equals("transfer-encoding")
                    || name.equals("te")
                    || name.equals("trailer")
                    || name.startsWith("proxy-")) {
                continue;
            }
            h.getValue().forEach(v -> fields.add(new HeaderField(h.getKey(), v)));
        }
        return fields;
    }

    /** Reads the body up to the route's bound; a larger body fails the job for good (it will not shrink). */
    private static byte[] body(HttpResponse<InputStream> response, HttpRequestJob job)
            throws IOException, PermanentJobFailure {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, job.maxResponseSize() + 1));
            if (bytes.length > job.maxResponseSize()) {
                throw new PermanentJobFailure("the upstream's response body exceeds routes." + job.route()
                        + ".maxResponseSize (" + job.maxResponseSize() + " bytes)");
            }
            return bytes;
        }
    }

    /** A retryable upstream outcome; its message is what clients see in the job's error. */
    static final class UpstreamFailure extends Exception {
        UpstreamFailure(String message) {
            super(message, null, false, false);
        }
    }
}
