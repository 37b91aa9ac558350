package io.ferrymq.bench.scenario;

import java.util.List;

/**
 * What connecting many idle clients cost the broker.
 *
 * @param connectSeconds     from the first connect to the last CONNECTED
 * @param rssBeforeKiB       broker RSS before connecting; -1 when no broker process was given
 * @param rssAfterKiB        broker RSS with every client connected (after the hold time); -1 likewise
 * @param bytesPerConnection (after - before) / connected; -1 when not measured
 */
public record ConnectionScaleResult(int requested, int connected, int failed, double connectSeconds,
                                    double connectsPerSec, long rssBeforeKiB, long rssAfterKiB,
                                    long bytesPerConnection, List<String> errors) {
}
