package io.ferrymq.aws.kinesis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kinesis shard ids ({@code shardId-000000000007}) for the core's shard numbers. */
final class ShardIds {

    private static final Pattern ID = Pattern.compile("(?:shardId-)?(\\d{1,12})");

    private ShardIds() {
    }

    static String of(int index) {
        return String.format("shardId-%012d", index);
    }

    /** The shard number, or -1 when the text is no shard id. */
    static int parse(String id) {
        if (id == null) {
            return -1;
        }
        Matcher m = ID.matcher(id);
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        return n > Integer.MAX_VALUE ? -1 : (int) n;
    }
}
