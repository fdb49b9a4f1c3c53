package dev.offload.gateway.routes;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured routes ({@code routes.<name>.*}), most specific first. Immutable and thread-safe.
 *
 * @param all every valid route, most specific pattern first, ties by name
 */
public record Routes(List<RouteConfig> all) {

    public Routes {
        all = List.copyOf(all);
    }

    /** No routes: the gateway serves only the job API. */
    public static Routes none() {
        return new Routes(List.of());
    }

    /** The templated keys of one route, for the configuration reference and validation. */
    public static List<ConfigKey<?>> keys() {
        return RouteConfig.keys();
    }

    /**
     * Reads every route named under {@code routes.} in the file or the overrides; problems are recorded in {@code
     * settings}, each naming its key.
     *
     * @param queues the queues that exist
     * @param policies the rate-limit policies declared under {@code rateLimits}
     */
    public static Routes from(Settings settings, Set<String> queues, Set<String> policies) {
        List<RouteConfig> routes = new ArrayList<>();
        for (String name : settings.namesUnder("routes")) {
            if (!name.matches("[A-Za-z0-9_-]+")) {
                settings.reject("routes." + name + ": a route name may contain only letters, digits, '-' and '_'");
                continue;
            }
            RouteConfig route = RouteConfig.read(settings, name, queues, policies);
            if (route != null) {
                routes.add(route);
            }
        }
        routes.sort(Comparator.comparing(RouteConfig::path).thenComparing(RouteConfig::name));
        return new Routes(routes);
    }

    /**
     * The outcome of matching a request: the route that takes it (with the path parameters it captured), or none;
     * {@code pathMatched} tells "no route has this path" (404) from "no route takes this method here" (405).
     */
    public record Match(RouteConfig route, Map<String, String> params, boolean pathMatched) {}

    /** The most specific route whose pattern matches {@code path} and that takes {@code method}. */
    public Match match(String method, String path) {
        boolean pathMatched = false;
        for (RouteConfig route : all) {
            Optional<Map<String, String>> params = route.path().match(path);
            if (params.isPresent()) {
                if (route.takes(method)) {
                    return new Match(route, params.get(), true);
                }
                pathMatched = true;
            }
        }
        return new Match(null, Map.of(), pathMatched);
    }
}
