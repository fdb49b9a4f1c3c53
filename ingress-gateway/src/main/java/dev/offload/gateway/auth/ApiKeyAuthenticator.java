package dev.offload.gateway.auth;

import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ErrorCode;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Authenticates {@code Authorization: Bearer <api key>} and puts the caller's tenant on the routing context. Keys
 * are kept only as SHA-256 digests, so a heap dump does not reveal them and lookups do not compare secrets
 * character by character. Immutable and thread-safe; runs on the event loop.
 */
public final class ApiKeyAuthenticator {
    private static final String TENANT = "offload.tenant";
    private static final String KEY_ID = "offload.keyId";
    private final Map<String, String> tenantByDigest;

    public ApiKeyAuthenticator(Map<String, String> tenantByKey) {
        Map<String, String> digests = new HashMap<>();
        tenantByKey.forEach((key, tenant) -> digests.put(digest(key), tenant));
        this.tenantByDigest = Map.copyOf(digests);
    }

    /** Route handler: continues with the tenant set, or fails the request with 401. */
    public void authenticate(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.fail(ApiException.of(ErrorCode.UNAUTHORIZED, "send your API key as 'Authorization: Bearer <key>'"));
            return;
        }
        String digest = digest(header.substring(7).trim());
        String tenant = tenantByDigest.get(digest);
        if (tenant == null) {
            ctx.fail(ApiException.of(ErrorCode.UNAUTHORIZED, "the API key is not known"));
            return;
        }
        ctx.put(TENANT, tenant);
        ctx.put(KEY_ID, digest.substring(0, 32));
        ctx.next();
    }

    /** The authenticated tenant of the request. */
    public static String tenant(RoutingContext ctx) {
        String tenant = ctx.get(TENANT);
        if (tenant == null) {
            throw new IllegalStateException("route is not behind ApiKeyAuthenticator");
        }
        return tenant;
    }

    /**
     * An identifier of the request's API key that is not the key (a prefix of its SHA-256), e.g. for per-key rate
     * limits; {@code null} if the request was not authenticated.
     */
    public static String keyId(RoutingContext ctx) {
        return ctx.get(KEY_ID);
    }

    private static String digest(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
