package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.AwsApiSettings;

/** Settings of the Kinesis tests. */
final class KinesisTestSettings {

    /**
     * Without the per-shard limits: they count calls per second of real time, which a test that reads a shard
     * several times may exceed on a fast machine. {@code KinesisBrokerClockTest} tests the limits on a clock it
     * moves itself.
     */
    static final AwsApiSettings UNTHROTTLED = AwsApiSettings.defaults().withKinesisThroughputLimits(false);

    private KinesisTestSettings() {
    }
}
