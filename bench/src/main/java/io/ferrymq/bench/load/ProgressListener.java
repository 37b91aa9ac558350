package io.ferrymq.bench.load;

/** Told about a run's progress about once a second, on the runner's thread. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = p -> { };

    void onProgress(Progress progress);
}
