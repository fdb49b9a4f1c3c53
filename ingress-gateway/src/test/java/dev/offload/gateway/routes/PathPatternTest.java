package dev.offload.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathPatternTest {
    @Test
    void doubleStarMatchesTheBaseAndEverythingBelow() {
        PathPattern p = PathPattern.compile("/api/reports/**");

        assertThat(p.match("/api/reports")).isPresent();
        assertThat(p.match("/api/reports/2026/q3")).isPresent();
        assertThat(p.match("/api/reportsX")).isEmpty();
    }

    @Test
    void parametersAndSingleStarsMatchOneSegment() {
        PathPattern p = PathPattern.compile("/api/{tenant}/*/items/{id}");

        assertThat(p.match("/api/acme/v2/items/9").orElseThrow())
                .containsEntry("tenant", "acme")
                .containsEntry("id", "9");
        assertThat(p.match("/api/acme/v2/x/items/9")).isEmpty();
    }

    @Test
    void malformedPatternsAreRefusedWithAReason() {
        assertThatThrownBy(() -> PathPattern.compile("/a/**/b")).hasMessageContaining("last segment");
        assertThatThrownBy(() -> PathPattern.compile("/a/{x}/{x}")).hasMessageContaining("twice");
        assertThatThrownBy(() -> PathPattern.compile("/a b")).hasMessageContaining("not a literal");
    }
}
