package dev.offload.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.store.EmbeddedStoreConfig;
import dev.offload.store.JobStore;
import dev.offload.store.JobStores;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatientStoreTest {
    @TempDir
    Path dataDir;

    @Test
    void callsInFlightNeverExceedTheStoresConnections() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        try (JobStore real = JobStores.embedded(new EmbeddedStoreConfig(dataDir))) {
            // The real store, seen through a pool of two connections whose calls take a while.
            JobStore twoConnections = (JobStore) Proxy.newProxyInstance(
                    JobStore.class.getClassLoader(), new Class<?>[] {JobStore.class}, (proxy, method, args) -> {
                        if (method.getName().equals("maxConcurrentCalls")) {
                            return 2;
                        }
                        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        try {
                            Thread.sleep(2); // a slow call, so that calls overlap unless something bounds them
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    });
            PatientStore store = new PatientStore(twoConnections, () -> false);
            String id = TestJobs.aJob("demo.echo")
                    .createIn(real, java.time.Clock.systemUTC())
                    .id();

            List<Future<Boolean>> found = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    found.add(threads.submit(() -> store.find(id).isPresent()));
                }
            }

            for (Future<Boolean> f : found) {
                assertThat(f.get()).isTrue();
            }
            assertThat(peak.get()).isEqualTo(2);
        }
    }
}
