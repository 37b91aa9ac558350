package io.ferrymq.core.api;

import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.SecurityRealm;

/**
 * A session's permission answers, kept so that a producer publishing to the same few destinations asks the
 * realm (a walk over every rule, matching each pattern) once per destination rather than once per message.
 *
 * <p>A fixed table of {@link #SLOTS} entries per permission, placed by the resource's hash: bounded whatever the
 * client sends to, one array read and one string comparison per hit, and a destination pushed out by another
 * only costs a realm check again. Each entry carries the realm's {@link SecurityRealm#permissionsVersion() version}
 * it was answered under and counts only while the realm still reports that version, so an operator's change
 * (a revoked or granted permission) holds from the next check on. Denials are kept the same way, under their
 * exact permission and resource. A realm that reports no version is asked every time.
 *
 * <p>Entries are immutable and replace each other whole, so sessions used from more than one thread need no lock:
 * a racing thread sees either entry, both true answers.
 */
final class GrantCache {

    /** Entries per permission; a power of two. */
    static final int SLOTS = 8;

    private static final int PERMISSIONS = Permission.values().length;

    private record Grant(String resource, long version, boolean allowed) {
    }

    private final SecurityRealm realm;
    private final BrokerPrincipal principal;
    private final String vhost;
    private final Grant[] grants = new Grant[PERMISSIONS * SLOTS];

    GrantCache(SecurityRealm realm, BrokerPrincipal principal, String vhost) {
        this.realm = realm;
        this.principal = principal;
        this.vhost = vhost;
    }

    boolean isAllowed(Permission what, String resource) {
        long version = realm.permissionsVersion();
        if (version < 0) {
            return realm.isAllowed(principal, what, vhost, resource);
        }
        Grant[] table = grants;
        int h = resource.hashCode();
        int slot = what.ordinal() * SLOTS + ((h ^ (h >>> 16)) & (SLOTS - 1));
        Grant g = table[slot];
        if (g != null && g.version == version && g.resource.equals(resource)) {
            return g.allowed;
        }
        boolean allowed = realm.isAllowed(principal, what, vhost, resource);
        table[slot] = new Grant(resource, version, allowed);
        return allowed;
    }

    /** How many answers are kept now (for tests of the bound). */
    int size() {
        int n = 0;
        for (Grant g : grants) {
            n += g == null ? 0 : 1;
        }
        return n;
    }

    static int capacity() {
        return PERMISSIONS * SLOTS;
    }
}
