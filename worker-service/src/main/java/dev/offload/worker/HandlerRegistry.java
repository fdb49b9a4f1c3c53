package dev.offload.worker;

import dev.offload.worker.spi.JobHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The job handlers of a worker, one per job type: those found by {@link ServiceLoader} and those registered
 * programmatically. Two handlers for one type are rejected when the registry is built, never silently replaced.
 * Immutable and thread-safe once built; the builder is not thread-safe.
 *
 * <pre>{@code
 * HandlerRegistry handlers = HandlerRegistry.builder().loadServices().register(new MyHandler()).build();
 * }</pre>
 */
public final class HandlerRegistry {
    private final Map<String, JobHandler> byType;

    private HandlerRegistry(Map<String, JobHandler> byType) {
        this.byType = Map.copyOf(byType);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The handler for {@code type}, or empty if this worker cannot run that type. */
    public Optional<JobHandler> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** The job types this worker runs, sorted. */
    public Set<String> types() {
        return new TreeSet<>(byType.keySet());
    }

    /** Collects handlers; {@link #build()} fails if two of them claim one type. */
    public static final class Builder {
        private final Map<String, JobHandler> byType = new LinkedHashMap<>();
        private final Map<String, String> duplicates = new LinkedHashMap<>();

        private Builder() {}

        /** Adds every {@link JobHandler} that {@link ServiceLoader} finds with the thread's context class loader. */
        public Builder loadServices() {
            return loadServices(Thread.currentThread().getContextClassLoader());
        }

        /** Adds every {@link JobHandler} that {@link ServiceLoader} finds with {@code classLoader}. */
        public Builder loadServices(ClassLoader classLoader) {
            ServiceLoader.load(JobHandler.class, classLoader).forEach(this::register);
            return this;
        }

        /** Adds one handler. */
        public Builder register(JobHandler handler) {
            Objects.requireNonNull(handler, "handler");
            String type = Objects.requireNonNull(
                    handler.type(), () -> handler.getClass().getName() + ".type()");
            JobHandler previous = byType.putIfAbsent(type, handler);
            if (previous != null) {
                duplicates.put(
                        type,
                        previous.getClass().getName() + " and "
                                + handler.getClass().getName());
            }
            return this;
        }

        /**
         * The registry.
         *
         * @throws IllegalStateException naming every job type that has more than one handler, and the handlers
         */
        public HandlerRegistry build() {
            if (!duplicates.isEmpty()) {
                StringBuilder message = new StringBuilder("each job type needs exactly one handler, but");
                duplicates.forEach((type, classes) -> message.append(" type '")
                        .append(type)
                        .append("' has two: ")
                        .append(classes)
                        .append(';'));
                throw new IllegalStateException(message.substring(0, message.length() - 1));
            }
            return new HandlerRegistry(byType);
        }
    }
}
