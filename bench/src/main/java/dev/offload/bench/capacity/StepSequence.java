package dev.offload.bench.capacity;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The order of a capacity search's steps: the rates in ascending order, a rate that was not sustained measured again
 * up to {@code retries} times, and the search over at the first rate that failed every time. A retry keeps a
 * one-second hiccup of a noisy machine (a GC pause of the generator, another process's burst) from ending a
 * staircase early; it applies to every system searched alike. Not thread-safe: one search, one thread.
 */
public final class StepSequence {
    private final List<Double> rates;
    private final int retries;
    private int index;
    private int failures;
    private boolean over;

    /**
     * @param rates the rates to search, in any order
     * @param retries how many more times a rate that was not sustained is measured before the search stops
     */
    public StepSequence(List<Double> rates, int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("--step-retries must not be negative, but was " + retries);
        }
        this.rates = rates.stream().sorted().toList();
        this.retries = retries;
    }

    /** The next rate to measure, or empty when the search is over. */
    public OptionalDouble next() {
        return over || index >= rates.size() ? OptionalDouble.empty() : OptionalDouble.of(rates.get(index));
    }

    /** Records whether the rate {@link #next()} returned was sustained. */
    public void record(boolean sustained) {
        if (sustained) {
            index++;
            failures = 0;
        } else if (++failures > retries) {
            over = true;
        }
    }
}
