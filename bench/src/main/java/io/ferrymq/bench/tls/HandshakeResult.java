package io.ferrymq.bench.tls;

import java.util.List;

/**
 * What a handshake run measured.
 *
 * @param resumed              handshakes that resumed an earlier session (0 when resumption is off)
 * @param brokerCpuMicrosPerHandshake the broker's CPU time per handshake; null without its pid
 * @param firstFailure         the first failed handshake's error, or null
 */
public record HandshakeResult(int threads, boolean resumption, List<String> protocols, double seconds,
                              long handshakes, long resumed, long failures, double handshakesPerSecond,
                              Double brokerCpuMicrosPerHandshake, String firstFailure) {

    /** One line for a person. */
    public String describe() {
        return String.format("%s, %d threads, resumption %s: %,.0f handshakes/s (%d in %.1f s, %d resumed, %d failed)%s",
                String.join("+", protocols), threads, resumption ? "on" : "off", handshakesPerSecond, handshakes,
                seconds, resumed, failures,
                brokerCpuMicrosPerHandshake == null ? "" : String.format(", broker CPU %.0f us/handshake",
                        brokerCpuMicrosPerHandshake))
                + (firstFailure == null ? "" : "; first failure: " + firstFailure);
    }
}
