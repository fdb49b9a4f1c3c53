package dev.offload.gateway.limits;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The address of the client a request comes from. {@code X-Forwarded-For} is believed only as far as it was written
 * by trusted proxies ({@code limits.trustedProxies}): starting at the peer, each hop is accepted while the hop that
 * reported it is trusted, and the first untrusted address is the client. A client cannot escape a per-IP limit by
 * sending its own {@code X-Forwarded-For}: the entries it wrote lie left of the address the trusted proxy appended.
 * Immutable and thread-safe; runs on the event loop.
 */
public final class ClientAddress {
    private final List<Cidr> trusted;

    ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(Cidr::parse).toList();
    }

    /** The client's address for {@code request}. */
    public String of(HttpServerRequest request) {
        SocketAddress peer = request.remoteAddress();
        String address = peer == null ? "unknown" : peer.hostAddress();
        if (!isTrusted(address)) {
            return address;
        }
        List<String> hops = new ArrayList<>();
        for (String header : request.headers().getAll("X-Forwarded-For")) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (Cidr.literal(hop) == null) {
                return address; // garbage from the client: the last trusted hop is all we know
            }
            address = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return address;
    }

    private boolean isTrusted(String address) {
        for (Cidr range : trusted) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
