package dev.offload.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.worker.demo.EchoHandler;
import dev.offload.worker.http.HttpReplayHandler;
import dev.offload.worker.spi.JobContext;
import dev.offload.worker.spi.JobHandler;
import org.junit.jupiter.api.Test;

class HandlerRegistryTest {

    @Test
    void serviceLoaderFindsTheBuiltInHandlers() {
        HandlerRegistry registry = HandlerRegistry.builder().loadServices().build();

        assertThat(registry.types()).containsExactly("demo.echo", "demo.fail", "demo.sleep", "http");
        assertThat(registry.find("demo.echo")).containsInstanceOf(EchoHandler.class);
        assertThat(registry.find("http")).containsInstanceOf(HttpReplayHandler.class);
        assertThat(registry.find("unknown")).isEmpty();
    }

    @Test
    void programmaticHandlersJoinTheLoadedOnes() {
        HandlerRegistry registry = HandlerRegistry.builder()
                .loadServices()
                .register(new Named("report.render"))
                .build();

        assertThat(registry.types()).contains("report.render", "demo.sleep");
    }

    @Test
    void twoHandlersForOneTypeAreRejectedNamingTheTypeAndBothClasses() {
        HandlerRegistry.Builder builder =
                HandlerRegistry.builder().loadServices().register(new Named("demo.echo"));

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("type 'demo.echo' has two")
                .hasMessageContaining(EchoHandler.class.getName())
                .hasMessageContaining(Named.class.getName());
    }

    private record Named(String type) implements JobHandler {
        @Override
        public JsonNode handle(JobContext context) {
            return context.payload();
        }
    }
}
