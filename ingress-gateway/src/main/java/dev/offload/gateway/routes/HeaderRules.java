package dev.offload.gateway.routes;

import dev.offload.model.http.HeaderField;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which headers cross the gateway. Hop-by-hop headers (RFC 9110 §7.6.1: Connection and every header it names,
 * Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-*) belong to one connection and never cross; neither do
 * Host (the upstream gets its own), Content-Length (recomputed for the new message), the route's configured headers
 * and, on routes with auth, the caller's Offload API key. Towards the upstream the gateway adds
 * {@code X-Forwarded-For/-Proto/-Host} and {@code Forwarded} (RFC 7239). Stateless; runs on any thread.
 */
public final class HeaderRules {
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade");
    private static final Set<String> PER_REQUEST = Set.of("traceparent", "tracestate", "x-request-id");

    private HeaderRules() {}

    /** The request header fields to send upstream for {@code route}, in order, without the forwarding headers. */
    public static List<HeaderField> requestFields(MultiMap headers, RouteConfig route) {
        Set<String> drop = connectionScoped(headers);
        drop.add("host");
        drop.add("content-length");
        drop.addAll(route.stripHeaders());
        if (route.auth()) {
            drop.add("authorization");
        }
        List<HeaderField> fields = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!drop.contains(name) && !name.startsWith("proxy-")) {
                fields.add(new HeaderField(h.getKey(), h.getValue()));
            }
        }
        return fields;
    }

    /**
     * The forwarding headers describing the client hop: {@code X-Forwarded-For} and {@code Forwarded} extend what
     * an earlier proxy sent, {@code X-Forwarded-Proto/-Host} say what this gateway saw.
     *
     * @param headers the incoming request's headers
     * @param clientAddress the peer's IP address
     * @param scheme {@code http} or {@code https}, as received
     * @param host the Host (or :authority) the client used, or {@code null}
     */
    public static List<HeaderField> forwardingFields(
            MultiMap headers, String clientAddress, String scheme, String host) {
        List<HeaderField> fields = new ArrayList<>();
        String priorFor = String.join(", ", headers.getAll("X-Forwarded-For"));
        fields.add(new HeaderField(
                "X-Forwarded-For", priorFor.isEmpty() ? clientAddress : priorFor + ", " + clientAddress));
        fields.add(new HeaderField("X-Forwarded-Proto", scheme));
        if (host != null) {
            fields.add(new HeaderField("X-Forwarded-Host", host));
        }
        String node = clientAddress.contains(":") ? "\"[" + clientAddress + "]\"" : clientAddress;
        String element = "for=" + node + ";proto=" + scheme + (host == null ? "" : ";host=\"" + host + "\"");
        String priorForwarded = String.join(", ", headers.getAll("Forwarded"));
        fields.add(new HeaderField("Forwarded", priorForwarded.isEmpty() ? element : priorForwarded + ", " + element));
        return fields;
    }

    /** The forwarding headers replace any the client sent under the same names. */
    public static boolean isForwarding(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("x-forwarded-for")
                || n.equals("x-forwarded-proto")
                || n.equals("x-forwarded-host")
                || n.equals("forwarded");
    }

    /**
     * Whether a request header says what the client asks for, so that it is part of a cached async route request's
     * identity: every header but the forwarding ones (they carry the client's address and would make every client
     * distinct) and the per-request correlation ids ({@code traceparent}, {@code tracestate}, {@code X-Request-Id}),
     * which differ on every request without changing what it asks.
     */
    public static boolean identifiesRequest(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !isForwarding(n) && !PER_REQUEST.contains(n);
    }

    /** The upstream's response header fields that may reach the client. */
    public static List<HeaderField> responseFields(MultiMap headers) {
        Set<String> drop = connectionScoped(headers);
        drop.add("content-length");
        List<HeaderField> fields = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!drop.contains(name) && !name.startsWith("proxy-")) {
                fields.add(new HeaderField(h.getKey(), h.getValue()));
            }
        }
        return fields;
    }

    /** The hop-by-hop headers plus every header the Connection header names. */
    private static Set<String> connectionScoped(MultiMap headers) {
        Set<String> names = new TreeSet<>(HOP_BY_HOP);
        for (String connection : headers.getAll("Connection")) {
            for (String token : connection.split(",")) {
                if (!token.isBlank()) {
                    names.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }
}
