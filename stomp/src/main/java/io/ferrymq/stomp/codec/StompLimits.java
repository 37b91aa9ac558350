package io.ferrymq.stomp.codec;

/**
 * Bounds the decoder enforces so that a peer cannot make the broker buffer without limit
 * (STOMP 1.2 "Size Limits").
 *
 * @param maxFrameBytes      the whole frame: command line, header lines, their EOLs, the blank line,
 *                           the body and the terminating NUL (heart-beat EOLs around frames are not counted)
 * @param maxHeaders         header entries in one frame, repeats included
 * @param maxHeaderLineBytes one command or header line in octets, its EOL not included
 */
public record StompLimits(int maxFrameBytes, int maxHeaders, int maxHeaderLineBytes) {

    public StompLimits {
        if (maxFrameBytes <= 0) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        if (maxHeaders < 0) {
            throw new IllegalArgumentException("maxHeaders must not be negative: " + maxHeaders);
        }
        if (maxHeaderLineBytes <= 0) {
            throw new IllegalArgumentException("maxHeaderLineBytes must be positive: " + maxHeaderLineBytes);
        }
    }

    /** 16 MiB frames, 1000 headers, 64 KiB header lines. */
    public static StompLimits defaults() {
        return new StompLimits(16 * 1024 * 1024, 1000, 64 * 1024);
    }
}
