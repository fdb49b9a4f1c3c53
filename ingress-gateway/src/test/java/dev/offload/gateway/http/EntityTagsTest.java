package dev.offload.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EntityTagsTest {

    @Test
    void ifNoneMatchIsComparedWeaklyAgainstEveryListedTag() {
        assertThat(EntityTags.matches("\"a\"", "\"a\"")).isTrue();
        assertThat(EntityTags.matches("W/\"a\"", "\"a\"")).isTrue();
        assertThat(EntityTags.matches("\"x\", \"a\"", "\"a\"")).isTrue();
        assertThat(EntityTags.matches("*", "\"a\"")).isTrue();
        assertThat(EntityTags.matches("\"b\"", "\"a\"")).isFalse();
        assertThat(EntityTags.matches(null, "\"a\"")).isFalse();
        assertThat(EntityTags.matches("\"a\"", null)).isFalse();
    }
}
