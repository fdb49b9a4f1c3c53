package dev.offload.webhooks.ssrf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which IP addresses webhooks may reach. Refused unless an allowlisted network contains them: loopback, private
 * (RFC 1918), link-local (where cloud metadata services live), carrier-grade NAT, multicast, unspecified, unique-local
 * IPv6, reserved and documentation ranges, and IPv6 forms that embed a refused IPv4 address (IPv4-mapped,
 * IPv4-compatible, NAT64). Immutable and thread-safe.
 */
public final class AddressPolicy {
    private record Range(Cidr cidr, String what) {}

    private static final List<Range> REFUSED = List.of(
            range("169.254.169.254/32", "a cloud metadata service"),
            range("100.100.100.200/32", "a cloud metadata service"),
            range("fd00:ec2::254/128", "a cloud metadata service"),
            range("0.0.0.0/8", "an unspecified ('this network') address"),
            range("10.0.0.0/8", "a private address"),
            range("100.64.0.0/10", "a carrier-grade NAT address"),
            range("127.0.0.0/8", "a loopback address"),
            range("169.254.0.0/16", "a link-local address"),
            range("172.16.0.0/12", "a private address"),
            range("192.0.0.0/24", "an IETF protocol assignment"),
            range("192.0.2.0/24", "a documentation address"),
            range("192.168.0.0/16", "a private address"),
            range("198.18.0.0/15", "a benchmarking address"),
            range("198.51.100.0/24", "a documentation address"),
            range("203.0.113.0/24", "a documentation address"),
            range("224.0.0.0/4", "a multicast address"),
            range("240.0.0.0/4", "a reserved address"),
            range("::/128", "an unspecified address"),
            range("::1/128", "a loopback address"),
            range("fc00::/7", "a unique-local address"),
            range("fe80::/10", "a link-local address"),
            range("fec0::/10", "a site-local address"),
            range("ff00::/8", "a multicast address"),
            range("2001:db8::/32", "a documentation address"));

    private final List<Cidr> allowed;

    public AddressPolicy(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Why {@code address} may not be reached, or empty if it may. */
    public Optional<String> refusal(InetAddress address) {
        if (allowed.stream().anyMatch(c -> c.contains(address))) {
            return Optional.empty();
        }
        Optional<InetAddress> embedded = embeddedIpv4(address);
        if (embedded.isPresent()) {
            return refusal(embedded.get()).map(why -> why + " (embedded in an IPv6 address)");
        }
        for (Range range : REFUSED) {
            if (range.cidr().contains(address)) {
                return Optional.of(address.getHostAddress() + " is " + range.what());
            }
        }
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isMulticastAddress()) {
            return Optional.of(address.getHostAddress() + " is not a public address");
        }
        return Optional.empty();
    }

    /** The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}), -compatible or NAT64 IPv6 address. */
    private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return Optional.empty();
        }
        byte[] b = address.getAddress();
        boolean zeros80 = isZero(b, 0, 10);
        boolean mapped = zeros80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeros80 && b[10] == 0 && b[11] == 0 && !isZero(b, 12, 16) && !(isZero(b, 12, 15));
        boolean nat64 = (b[0] & 0xff) == 0x00
                && (b[1] & 0xff) == 0x64
                && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b
                && isZero(b, 4, 12);
        if (!mapped && !compatible && !nat64) {
            return Optional.empty();
        }
        try {
            return Optional.of(Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Range range(String cidr, String what) {
        return new Range(Cidr.parse(cidr), what);
    }
}
