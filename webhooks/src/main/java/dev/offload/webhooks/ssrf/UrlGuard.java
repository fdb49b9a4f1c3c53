package dev.offload.webhooks.ssrf;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The SSRF guard for webhook and callback URLs. {@link #check} looks at the URL as written (pure CPU, fine on an event
 * loop); {@link #resolve} looks the host up and checks every address it resolves to — at registration, and again by
 * the dispatcher right before it connects, to the very address it then connects to, so a DNS answer that changes in
 * between (DNS rebinding) cannot lead a delivery inside. Immutable and thread-safe.
 */
public final class UrlGuard {
    private final boolean allowHttp;
    private final AddressPolicy policy;

    public UrlGuard(boolean allowHttp, List<Cidr> allowedNetworks) {
        this.allowHttp = allowHttp;
        this.policy = new AddressPolicy(allowedNetworks);
    }

    /**
     * Checks the URL as written: absolute http(s) (http only if allowed), a host, no user info, no obscure numeric
     * host form, and an IP literal host must be allowed.
     *
     * @throws UnsafeUrlException saying what is wrong
     */
    public URI check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UnsafeUrlException("is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new UnsafeUrlException(
                    allowHttp ? "must be an http:// or https:// URL" : "must be an https:// URL (http is not allowed)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new UnsafeUrlException("must not contain user info (credentials) before the host");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new UnsafeUrlException("must name a host");
        }
        if (Hosts.isObscureNumeric(host)) {
            throw new UnsafeUrlException(
                    "names its host as a number ('" + host + "'); write IPv4 addresses as four decimal parts");
        }
        literal(host).flatMap(policy::refusal).ifPresent(why -> {
            throw new UnsafeUrlException("points to a refused address: " + why);
        });
        return uri;
    }

    /**
     * Checks the URL, looks its host up (blocking: DNS) and checks every address. Returns the address to connect to.
     *
     * @throws UnsafeUrlException if the URL or any address is refused
     * @throws UnknownHostException if the host does not resolve
     */
    public InetAddress resolve(URI uri) throws UnknownHostException {
        check(uri.toString());
        InetAddress[] addresses = InetAddress.getAllByName(bare(uri.getHost()));
        for (InetAddress address : addresses) {
            Optional<String> refusal = policy.refusal(address);
            if (refusal.isPresent()) {
                throw new UnsafeUrlException(
                        "host " + uri.getHost() + " resolves to a refused address: " + refusal.get());
            }
        }
        return addresses[0];
    }

    private static Optional<InetAddress> literal(String host) {
        String bare = bare(host);
        if (!Hosts.isDottedQuad(bare) && !bare.contains(":")) {
            return Optional.empty();
        }
        return Optional.of(Cidr.literal(bare));
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
