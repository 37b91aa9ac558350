package io.ferrymq.bench.scenario;

import io.ferrymq.bench.load.LoadSpec;

/** A named load that the side-by-side runs and the results table refer to. */
public record Scenario(String name, String description, LoadSpec spec) {
}
