package dev.offload.webhooks.ssrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlGuardTest {
    private final UrlGuard guard = new UrlGuard(false, List.of());

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://169.254.169.254/latest/meta-data/",
                "https://10.0.0.1/hook",
                "https://172.16.5.4/",
                "https://192.168.1.1/",
                "https://100.64.0.1/",
                "https://127.0.0.1/",
                "https://0.0.0.0/",
                "https://224.0.0.1/",
                "https://[::1]/",
                "https://[::]/",
                "https://[fe80::1]/",
                "https://[fd00::1]/",
                "https://[::ffff:127.0.0.1]/",
                "https://[::ffff:a9fe:a9fe]/",
                "https://[64:ff9b::a00:1]/",
                "https://2130706433/",
                "https://0x7f000001/",
                "https://0177.0.0.1/",
                "https://127.1/",
            })
    void refusesInternalAddressesAsWritten(String url) {
        assertThatThrownBy(() -> guard.check(url)).isInstanceOf(UnsafeUrlException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/", "ftp://example.com/", "https://user:pw@example.com/", "/relative"})
    void refusesOtherSchemesCredentialsAndRelativeUrls(String url) {
        assertThatThrownBy(() -> guard.check(url))
                .isInstanceOf(UnsafeUrlException.class)
                .hasMessageNotContaining("pw");
    }

    @Test
    void localhostIsRefusedOnceResolved() {
        URI uri = guard.check("https://localhost:8443/hook");

        assertThatThrownBy(() -> guard.resolve(uri))
                .isInstanceOf(UnsafeUrlException.class)
                .hasMessageContaining("loopback");
    }

    @Test
    void anAllowlistedNetworkIsReachable() throws Exception {
        UrlGuard allowing = new UrlGuard(true, List.of(Cidr.parse("127.0.0.1/32")));

        InetAddress address = allowing.resolve(allowing.check("http://127.0.0.1:8080/hook"));

        assertThat(address.getHostAddress()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> allowing.check("http://127.0.0.2/")).isInstanceOf(UnsafeUrlException.class);
    }

    @Test
    void publicAddressesPass() {
        assertThat(guard.check("https://93.184.215.14/hook").getHost()).isEqualTo("93.184.215.14");
        assertThat(new AddressPolicy(List.of()).refusal(Cidr.literal("2606:4700::1111")))
                .isEmpty();
    }
}
