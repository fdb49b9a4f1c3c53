package dev.offload.model.http;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which upstream outcomes a route retries: {@code 5xx} (any server error), {@code 4xx}, a status code such as
 * {@code 429}, {@code timeout} (no answer in time) and {@code connect} (no connection). Anything else the upstream
 * answers is the job's result, not a failure. Immutable and thread-safe.
 */
public final class RetryRule {
    /** The default: server errors, timeouts and connection failures. */
    public static final List<String> DEFAULT = List.of("5xx", "timeout", "connect");

    private final Set<String> terms;

    private RetryRule(Set<String> terms) {
        this.terms = terms;
    }

    /**
     * Parses the terms.
     *
     * @throws IllegalArgumentException naming the first term that is not one of the accepted ones
     */
    public static RetryRule of(List<String> terms) {
        Set<String> parsed = new TreeSet<>();
        for (String term : terms) {
            String t = term.trim().toLowerCase(Locale.ROOT);
            if (!t.equals("5xx")
                    && !t.equals("4xx")
                    && !t.equals("timeout")
                    && !t.equals("connect")
                    && !t.matches("[1-5][0-9][0-9]")) {
                throw new IllegalArgumentException("'" + term + "' is not 5xx, 4xx, a status code, timeout or connect");
            }
            parsed.add(t);
        }
        return new RetryRule(Set.copyOf(parsed));
    }

    public boolean retriesStatus(int status) {
        return terms.contains(Integer.toString(status))
                || (status >= 500 && status <= 599 && terms.contains("5xx"))
                || (status >= 400 && status <= 499 && terms.contains("4xx"));
    }

    public boolean retriesTimeouts() {
        return terms.contains("timeout");
    }

    public boolean retriesConnectionFailures() {
        return terms.contains("connect");
    }
}
