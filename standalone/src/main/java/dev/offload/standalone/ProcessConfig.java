package dev.offload.standalone;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import java.util.List;

/**
 * Keys that belong to the process rather than to one role: where the management port listens and which store to use.
 *
 * @param managementHost the address of the management port
 * @param managementPort the management port ({@code /health/*}, {@code /metrics})
 * @param storeType {@code redis} or {@code embedded}
 */
record ProcessConfig(String managementHost, int managementPort, String storeType) {
    private static final String GROUP = "Process";

    static final ConfigKey<String> MANAGEMENT_HOST = ConfigKey.in(GROUP, "management.host")
            .doc("Address of the management port (health and metrics). Keep it private to the cluster.")
            .string("0.0.0.0");
    static final ConfigKey<Integer> MANAGEMENT_PORT = ConfigKey.in(GROUP, "management.port")
            .essential()
            .doc("Port serving /health/live, /health/ready and /metrics.")
            .integer(9090, 0, 65535);
    static final ConfigKey<String> STORE_TYPE = ConfigKey.in(GROUP, "store.type")
            .essential()
            .doc("Result store: `redis` for deployments (shared by all processes), `embedded` for one standalone"
                    + " process (a file under --data-dir).")
            .oneOf("redis", "redis", "embedded");

    static List<ConfigKey<?>> keys() {
        return List.of(MANAGEMENT_HOST, MANAGEMENT_PORT, STORE_TYPE);
    }

    static ProcessConfig from(Settings settings) {
        return new ProcessConfig(
                settings.get(MANAGEMENT_HOST), settings.get(MANAGEMENT_PORT), settings.get(STORE_TYPE));
    }
}
