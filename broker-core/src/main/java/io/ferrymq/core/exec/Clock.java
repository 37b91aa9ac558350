package io.ferrymq.core.exec;

/** Wall-clock milliseconds, injectable so that TTLs, delays and leases can be tested in virtual time. */
@FunctionalInterface
public interface Clock {

    Clock SYSTEM = System::currentTimeMillis;

    long millis();
}
