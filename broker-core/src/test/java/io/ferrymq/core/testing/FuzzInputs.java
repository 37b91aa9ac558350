package io.ferrymq.core.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Inputs for the decoder fuzz properties of every protocol module: valid frames damaged the way a broken
 * or hostile client damages them (bit flips, truncation, inserted and deleted bytes, length fields set to
 * boundary values), and plain random bytes. The number of tries comes from jqwik's
 * {@code jqwik.tries.default}, which the {@code fuzz} Maven profile raises for a long run.
 */
public final class FuzzInputs {

    /** Values that break length and count fields: zero, one, sign bits, all ones. */
    private static final long[] BOUNDARIES = {0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffffL,
            0x80000000L, 0xfffffff0L, 0xffffffffL};

    private FuzzInputs() {
    }

    /** One of {@code seeds}, damaged by one to five mutations. */
    public static Arbitrary<byte[]> mutationsOf(List<byte[]> seeds) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("no seeds");
        }
        Arbitrary<byte[]> seed = Arbitraries.of(seeds);
        Arbitrary<Long> mutationSeed = Arbitraries.longs();
        Arbitrary<Integer> count = Arbitraries.integers().between(1, 5);
        return Combinators.combine(seed, mutationSeed, count).as(FuzzInputs::mutate);
    }

    /** Random bytes up to {@code maxLength}, with some bias towards the boundary values. */
    public static Arbitrary<byte[]> randomBytes(int maxLength) {
        Arbitrary<Byte> b = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.bytes()),
                net.jqwik.api.Tuple.of(1, Arbitraries.of((byte) 0, (byte) 0xff, (byte) 0x7f, (byte) 0x80, (byte) '\n',
                        (byte) ':')));
        return b.array(byte[].class).ofMaxSize(maxLength);
    }

    /** Either a mutated seed (mostly) or random bytes. */
    public static Arbitrary<byte[]> anyInput(List<byte[]> seeds, int maxRandomLength) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, mutationsOf(seeds)),
                net.jqwik.api.Tuple.of(1, randomBytes(maxRandomLength)));
    }

    /** How an input is cut into reads, as TCP may deliver it: 1 (byte by byte) to the whole input at once. */
    public static Arbitrary<Integer> chunkSizes() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(1)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(2, 64)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Integer.MAX_VALUE)));
    }

    /**
     * Applies {@code count} mutations chosen by {@code seed} to a copy of {@code input}; deterministic, so a
     * failing try is reproduced from jqwik's reported sample.
     */
    public static byte[] mutate(byte[] input, long seed, int count) {
        Random r = new Random(seed);
        byte[] data = input.clone();
        for (int i = 0; i < count; i++) {
            data = mutateOnce(data, r);
        }
        return data;
    }

    private static byte[] mutateOnce(byte[] data, Random r) {
        int n = data.length;
        int at = n == 0 ? 0 : r.nextInt(n);
        switch (r.nextInt(9)) {
            case 0 -> { // bit flip
                if (n > 0) {
                    data[at] ^= (byte) (1 << r.nextInt(8));
                }
                return data;
            }
            case 1 -> { // byte set to a boundary value
                if (n > 0) {
                    data[at] = (byte) BOUNDARIES[r.nextInt(BOUNDARIES.length)];
                }
                return data;
            }
            case 2 -> { // truncation
                return Arrays.copyOf(data, n == 0 ? 0 : r.nextInt(n));
            }
            case 3 -> { // random bytes inserted
                byte[] extra = new byte[1 + r.nextInt(16)];
                r.nextBytes(extra);
                return splice(data, at, 0, extra);
            }
            case 4 -> { // a range deleted
                int len = n == 0 ? 0 : 1 + r.nextInt(Math.min(16, n - at));
                return splice(data, at, len, new byte[0]);
            }
            case 5 -> { // a range repeated (a header, a frame, a field twice)
                int len = n == 0 ? 0 : 1 + r.nextInt(Math.min(64, n - at));
                return splice(data, at + len, 0, Arrays.copyOfRange(data, at, at + len));
            }
            case 6 -> { // a big-endian length field (1, 2 or 4 bytes) set to a boundary or off by one
                int width = new int[] {1, 2, 4}[r.nextInt(3)];
                if (at + width > n) {
                    return data;
                }
                long old = 0;
                for (int k = 0; k < width; k++) {
                    old = old << 8 | (data[at + k] & 0xff);
                }
                long v = switch (r.nextInt(3)) {
                    case 0 -> old + 1;
                    case 1 -> old - 1;
                    default -> BOUNDARIES[r.nextInt(BOUNDARIES.length)];
                };
                for (int k = width - 1; k >= 0; k--) {
                    data[at + k] = (byte) v;
                    v >>>= 8;
                }
                return data;
            }
            case 7 -> { // the input repeated: a second copy follows the first
                return splice(data, n, 0, data.clone());
            }
            default -> { // a decimal number in the text set to a boundary (content-length, Content-Length)
                int digit = -1;
                for (int k = 0; k < n; k++) {
                    int idx = (at + k) % n;
                    if (data[idx] >= '0' && data[idx] <= '9') {
                        digit = idx;
                        break;
                    }
                }
                if (digit < 0) {
                    return data;
                }
                int end = digit;
                while (end < n && data[end] >= '0' && data[end] <= '9') {
                    end++;
                }
                String[] numbers = {"0", "-1", "2147483647", "2147483648", "99999999999999999999", "", "1e3"};
                return splice(data, digit, end - digit,
                        numbers[r.nextInt(numbers.length)].getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
    }

    private static byte[] splice(byte[] data, int at, int removed, byte[] inserted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + inserted.length);
        out.write(data, 0, at);
        out.write(inserted, 0, inserted.length);
        out.write(data, at + removed, data.length - at - removed);
        return out.toByteArray();
    }
}
