package dev.offload.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.config.Settings;
import dev.offload.model.http.HeaderField;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeaderRulesTest {
    private static RouteConfig route(boolean auth) {
        Settings settings = Settings.of(Map.of(
                "routes.r.path", "/r/**",
                "routes.r.upstreams", "http://u",
                "routes.r.auth", Boolean.toString(auth),
                "routes.r.stripHeaders", "X-Internal"));
        return Routes.from(settings, Set.of("default"), Set.of()).all().get(0);
    }

    private static List<String> names(List<HeaderField> fields) {
        return fields.stream().map(HeaderField::name).toList();
    }

    @Test
    void hopByHopConnectionNamedConfiguredAndCredentialHeadersStayBehind() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Connection", "keep-alive, X-Hop")
                .add("X-Hop", "1")
                .add("Keep-Alive", "timeout=5")
                .add("TE", "trailers")
                .add("Trailer", "X-Sum")
                .add("Transfer-Encoding", "chunked")
                .add("Upgrade", "h2c")
                .add("Proxy-Authorization", "Basic x")
                .add("Host", "gateway")
                .add("Content-Length", "3")
                .add("X-Internal", "secret")
                .add("Authorization", "Bearer offload-key")
                .add("Accept", "text/csv")
                .add("Accept", "application/json");

        List<HeaderField> sent = HeaderRules.requestFields(headers, route(true));

        assertThat(names(sent)).containsExactly("Accept", "Accept");
        assertThat(names(HeaderRules.requestFields(headers, route(false)))).contains("Authorization");
    }

    @Test
    void responseHopByHopHeadersAreDropped() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Connection", "close")
                .add("Keep-Alive", "timeout=5")
                .add("Proxy-Authenticate", "Basic")
                .add("Content-Type", "text/plain")
                .add("Set-Cookie", "a=1")
                .add("Set-Cookie", "b=2");

        assertThat(names(HeaderRules.responseFields(headers)))
                .containsExactly("Content-Type", "Set-Cookie", "Set-Cookie");
    }

    @Test
    void forwardingHeadersExtendEarlierHopsAndQuoteIpv6() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("X-Forwarded-For", "203.0.113.9")
                .add("Forwarded", "for=203.0.113.9");

        List<HeaderField> fields = HeaderRules.forwardingFields(headers, "2001:db8::1", "https", "api.example.com");

        assertThat(fields)
                .containsExactly(
                        new HeaderField("X-Forwarded-For", "203.0.113.9, 2001:db8::1"),
                        new HeaderField("X-Forwarded-Proto", "https"),
                        new HeaderField("X-Forwarded-Host", "api.example.com"),
                        new HeaderField(
                                "Forwarded",
                                "for=203.0.113.9, for=\"[2001:db8::1]\";proto=https;host=\"api.example.com\""));
    }
}
