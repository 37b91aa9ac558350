package io.ferrymq.ha;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The pair's record in ZooKeeper: the current epoch, the node that is active in it, and the standby (if
 * any) known to hold everything the active confirmed. Only those two may become active next; changed only
 * by conditional writes (on the znode's version), so two nodes never both claim one epoch.
 *
 * @param syncedStandby empty when no standby is in sync (the active serves alone or refuses)
 * @param version       the znode version this was read at; -1 when the record does not exist yet
 */
public record PairState(long epoch, String active, String syncedStandby, int version) {

    static final PairState NONE = new PairState(0, "", "", -1);

    boolean exists() {
        return version >= 0;
    }

    /** Whether {@code node} holds everything confirmed so far, and so may become active. */
    boolean mayPromote(String node) {
        return !exists() || active.equals(node) || syncedStandby.equals(node);
    }

    byte[] bytes() {
        return ("epoch=" + epoch + "\nactive=" + active + "\nsynced-standby=" + syncedStandby + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static PairState parse(byte[] data, int version) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(data, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new PairState(Long.parseLong(p.getProperty("epoch", "0")), p.getProperty("active", ""),
                p.getProperty("synced-standby", ""), version);
    }

    @Override
    public String toString() {
        return "epoch " + epoch + ", active " + (active.isEmpty() ? "none" : active) + ", standby in sync "
                + (syncedStandby.isEmpty() ? "none" : syncedStandby);
    }
}
