package io.github.umdosgi.benchmarks;

/**
 * One section of a pass ({@code rtt}, {@code tput}, {@code start}, {@code scale}): made by
 * {@link Pass} with the pass's {@link Bench}, it measures and puts its figures into the bench's
 * results, under keys the report reads.
 */
interface Section {

    /** Measures; the figures go to {@link Bench#results()}. */
    void run() throws Exception;
}
