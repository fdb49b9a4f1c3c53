package dev.offload.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.model.JobSpec;
import dev.offload.model.Json;
import dev.offload.model.http.HttpRequestJob;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The identity under which the {@link JobResultCache} remembers a submission: two submissions with equal keys ask for
 * the same thing, so the later one may be answered with the earlier one's result. Immutable.
 *
 * @param cache the metrics' {@code cache} tag: {@code job:<type>} for a cacheable job type, the route's name for an
 *     async route; both come from configuration, so the tag's values are bounded
 * @param digest SHA-256 (URL-safe base64) over the tenant and everything the result depends on
 * @param maxAge how long after the earlier job finished its result may answer; {@link Duration#ZERO}: as long as the
 *     job is kept
 */
public record ResultKey(String cache, String digest, Duration maxAge) {

    public ResultKey {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(maxAge, "maxAge");
    }

    /** A submission of a cacheable job type: the tenant, the type and the payload as canonical JSON. */
    static ResultKey ofSubmission(String tenant, JobSpec spec) {
        return new ResultKey(
                "job:" + spec.type(),
                digest(List.of(utf8(tenant), utf8(spec.type()), Json.toBytes(canonical(spec.payload())))),
                Duration.ZERO);
    }

    /**
     * A request captured by an async route: the tenant, the route, method, path, query, the captured header fields
     * that {@code identifying} accepts (by name; compared case-insensitively by name, in their order per name, so
     * the order of different fields does not matter) and the body bytes.
     */
    public static ResultKey ofRouteRequest(
            String tenant, HttpRequestJob request, Predicate<String> identifying, Duration maxAge) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(utf8(tenant));
        parts.add(utf8(HttpRequestJob.TYPE));
        parts.add(utf8(request.route()));
        parts.add(utf8(request.method()));
        parts.add(utf8(request.pathAndQuery()));
        request.headers().stream()
                .filter(h -> identifying.test(h.name()))
                // A stable sort: fields of one name keep their order, which can matter (RFC 9110 §5.3).
                .sorted(Comparator.comparing(h -> h.name().toLowerCase(Locale.ROOT)))
                .forEach(h -> parts.add(utf8(h.name().toLowerCase(Locale.ROOT) + ':' + h.value())));
        parts.add(request.body());
        return new ResultKey(request.route(), digest(parts), maxAge);
    }

    /** Length-prefixed parts, so that no two different part lists give the same bytes. */
    private static String digest(List<byte[]> parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(
                        ByteBuffer.allocate(Integer.BYTES).putInt(part.length).array());
                digest.update(part);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The value with every object's members sorted by name, recursively. */
    static JsonNode canonical(JsonNode value) {
        if (value.isObject()) {
            List<String> names = new ArrayList<>();
            value.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            var sorted = Json.MAPPER.createObjectNode();
            names.forEach(name -> sorted.set(name, canonical(value.get(name))));
            return sorted;
        }
        if (value.isArray()) {
            var array = Json.MAPPER.createArrayNode();
            for (Iterator<JsonNode> it = value.elements(); it.hasNext(); ) {
                array.add(canonical(it.next()));
            }
            return array;
        }
        return value;
    }
}
