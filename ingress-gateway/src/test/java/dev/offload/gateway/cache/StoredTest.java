package dev.offload.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoredTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static CacheRequest request(String... headers) {
        MultiMap map = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < headers.length; i += 2) {
            map.add(headers[i], headers[i + 1]);
        }
        return new CacheRequest("route", HttpMethod.GET, "/x", map, Duration.ZERO);
    }

    @Test
    void responseSurvivesEncodingWithItsBytesHeadersAndVaryValues() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/octet-stream")
                .add("Vary", "Accept-Language")
                .add("Link", "<a>")
                .add("Link", "<b>")
                .add("Connection", "close")
                .add("Age", "3");
        byte[] body = {0, (byte) 0xff, 10, 13};
        StoredResponse response = StoredResponse.received(
                request("Accept-Language", "fr"), 203, headers, body, Duration.ofSeconds(60), NOW);

        StoredResponse decoded = (StoredResponse) Stored.decode(Stored.encode(response));

        assertThat(decoded.status()).isEqualTo(203);
        assertThat(decoded.body()).isEqualTo(body);
        assertThat(decoded.headerMap().getAll("Link")).containsExactly("<a>", "<b>");
        assertThat(decoded.header("Connection")).isNull();
        assertThat(decoded.header("Age")).isNull();
        assertThat(decoded.initialAge()).isEqualTo(Duration.ofSeconds(3));
        assertThat(decoded.vary()).containsEntry("accept-language", "fr");
        assertThat(decoded.selectedFor(request("Accept-Language", "fr"))).isTrue();
        assertThat(decoded.selectedFor(request("Accept-Language", "de"))).isFalse();
    }

    @Test
    void valueInAnotherFormatDecodesAsAbsent() {
        assertThat(Stored.decode(new byte[] {1, 2, 3})).isNull();
        assertThat(Stored.decode("plain text that is not an entry".getBytes())).isNull();
    }

    @Test
    void varyIndexSurvivesEncoding() {
        Stored index = new Stored.VaryIndex(List.of("accept", "accept-language"));

        assertThat(Stored.decode(Stored.encode(index))).isEqualTo(index);
    }

    @Test
    void upstreamAgeCountsAgainstFreshness() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Age", "50");
        StoredResponse response =
                StoredResponse.received(request(), 200, headers, new byte[0], Duration.ofSeconds(60), NOW);

        assertThat(response.isFresh(NOW.plusSeconds(9))).isTrue();
        assertThat(response.isFresh(NOW.plusSeconds(10))).isFalse();
    }

    @Test
    void sharedCacheStoresOnlyWhatRfc9111Allows() {
        assertThat(lifetime(request(), 200, "Cache-Control", "max-age=30")).contains(Duration.ofSeconds(30));
        assertThat(lifetime(request(), 200, "Cache-Control", "max-age=30, s-maxage=90"))
                .contains(Duration.ofSeconds(90));
        assertThat(lifetime(request(), 200, "Cache-Control", "no-cache, max-age=30"))
                .contains(Duration.ZERO);
        assertThat(lifetime(request(), 200, "Cache-Control", "no-store")).isEmpty();
        assertThat(lifetime(request(), 200, "Cache-Control", "private, max-age=30"))
                .isEmpty();
        assertThat(lifetime(request(), 200, "Cache-Control", "max-age=30", "Vary", "*"))
                .isEmpty();
        assertThat(lifetime(request(), 200, "Cache-Control", "max-age=30", "Set-Cookie", "a=b"))
                .isEmpty();
        assertThat(lifetime(request(), 500, "Cache-Control", "max-age=30")).isEmpty();
        assertThat(lifetime(request("Authorization", "Bearer x"), 200, "Cache-Control", "max-age=30"))
                .isEmpty();
        assertThat(lifetime(request("Authorization", "Bearer x"), 200, "Cache-Control", "public, max-age=30"))
                .contains(Duration.ofSeconds(30));
        assertThat(lifetime(request(), 200, "Cache-Control", "max-age=\"30\"")).contains(Duration.ofSeconds(30));
        assertThat(lifetime(request(), 200, "Cache-Control", "max-age=soon")).contains(Duration.ZERO);
    }

    private static java.util.Optional<Duration> lifetime(CacheRequest request, int status, String... headers) {
        MultiMap map = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < headers.length; i += 2) {
            map.add(headers[i], headers[i + 1]);
        }
        return StoragePolicy.lifetime(request, status, map);
    }
}
