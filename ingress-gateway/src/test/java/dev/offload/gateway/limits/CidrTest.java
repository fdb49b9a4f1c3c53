package dev.offload.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void ipv4RangeContainsItsAddressesOnly() {
        Cidr range = Cidr.parse("10.1.0.0/20");

        assertThat(range.contains("10.1.15.255")).isTrue();
        assertThat(range.contains("10.1.16.0")).isFalse();
        assertThat(range.contains("::ffff:10.1.0.1")).isTrue(); // Java maps IPv4-mapped IPv6 to IPv4
    }

    @Test
    void bareAddressIsItsOwnRange() {
        assertThat(Cidr.parse("::1").contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(Cidr.parse("192.0.2.1").contains("192.0.2.2")).isFalse();
    }

    @Test
    void hostNamesAreNeverResolved() {
        assertThat(Cidr.literal("localhost")).isNull();
        assertThat(Cidr.literal("1.2.3")).isNull();
        assertThat(Cidr.parse("0.0.0.0/0").contains("example.com")).isFalse();
    }
}
