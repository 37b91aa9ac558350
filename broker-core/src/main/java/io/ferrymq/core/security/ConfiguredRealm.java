package io.ferrymq.core.security;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Users and permission rules from the broker's configuration.
 *
 * <p>PBKDF2 is deliberately slow, and brokers see reconnect storms: after one successful check the realm
 * remembers a keyed SHA-256 digest of that password (never the password), so a client reconnecting with
 * the same credentials costs one hash, not a hundred thousand.
 */
public final class ConfiguredRealm implements SecurityRealm {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredRealm.class);

    private final Map<String, UserAccount> users;
    /** Copy-on-write: read on every permission check, changed only by an operator. */
    private volatile List<PermissionRule> rules;
    /** Bumped after every change to {@link #rules}, so sessions drop the answers they kept. */
    private volatile long permissionsVersion;
    private final String anonymousUser;
    private final byte[] pepper = new byte[32];
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private final PasswordHash decoy;

    /**
     * @param anonymousUser the user that clients presenting no credentials act as; null to refuse them
     */
    public ConfiguredRealm(List<UserAccount> users, List<PermissionRule> rules, String anonymousUser) {
        // Concurrent: an operator may add, change and delete users while clients log in.
        this.users = new ConcurrentHashMap<>(users.stream().collect(Collectors.toMap(UserAccount::name, Function.identity())));
        this.rules = List.copyOf(rules);
        this.anonymousUser = anonymousUser;
        if (anonymousUser != null && !this.users.containsKey(anonymousUser)) {
            throw new IllegalArgumentException("anonymous-user '" + anonymousUser + "' is not a configured user");
        }
        new SecureRandom().nextBytes(pepper);
        int iterations = users.isEmpty() ? 1 : users.get(0).password().iterations();
        this.decoy = PasswordHash.create(Long.toHexString(new SecureRandom().nextLong()), iterations);
        this.iterations = iterations;
    }

    private final int iterations;

    /** The hashing effort of the configured passwords: what a password set at run time gets too. */
    public int passwordIterations() {
        return iterations;
    }

    /** The users, by name. */
    public List<UserAccount> users() {
        return users.values().stream().sorted(java.util.Comparator.comparing(UserAccount::name)).toList();
    }

    /** Adds a user or replaces one (a new password, new roles); clients log in with it from now on. */
    public void putUser(UserAccount account) {
        users.put(account.name(), account);
        verified.remove(account.name());
    }

    /**
     * Removes a user: it can no longer log in (its open connections stay until they close).
     *
     * @return whether there was such a user
     * @throws IllegalArgumentException for the anonymous user, which clients without credentials act as
     */
    public boolean removeUser(String name) {
        if (name.equals(anonymousUser)) {
            throw new IllegalArgumentException("user '" + name + "' is the anonymous user and cannot be deleted");
        }
        verified.remove(name);
        return users.remove(name) != null;
    }

    /** The permission rules, in the order they are checked. */
    public List<PermissionRule> rules() {
        return rules;
    }

    /**
     * Replaces the rules that name only this user in this virtual host (an operator's per-user permissions)
     * with the given ones; rules for roles, or for several users, stay as configured.
     */
    public synchronized void replaceUserRules(String user, String vhost, List<PermissionRule> replacement) {
        List<PermissionRule> next = new java.util.ArrayList<>();
        for (PermissionRule r : rules) {
            if (!(r.vhost().equals(vhost) && r.roles().isEmpty() && r.users().equals(java.util.Set.of(user)))) {
                next.add(r);
            }
        }
        next.addAll(replacement);
        rules = List.copyOf(next);
        // After the rules: a session that reads the old version may still cache an answer from the new rules
        // under it, never an answer from the old rules under the new version.
        permissionsVersion++;
    }

    @Override
    public long permissionsVersion() {
        return permissionsVersion;
    }

    @Override
    public BrokerPrincipal authenticate(String username, String password, ClientInfo client) {
        UserAccount account;
        if (username == null || username.isEmpty()) {
            if (anonymousUser == null) {
                throw new BrokerException(ErrorCode.AUTHENTICATION_FAILED,
                        "credentials required: this broker does not accept anonymous connections");
            }
            account = users.get(anonymousUser);
        } else {
            account = users.get(username);
            if (account == null) {
                // Spend the same effort as for a real user, so timing does not tell which names exist.
                decoy.matches(password == null ? "" : password);
            }
            if (account == null || password == null || !passwordMatches(account, password)) {
                LOG.info("Authentication failed for user '{}' from {} over {}", username, client.remote(),
                        client.protocol());
                throw new BrokerException(ErrorCode.AUTHENTICATION_FAILED,
                        "authentication failed for user '" + username + "': wrong user name or password");
            }
        }
        refuseRemoteIfLoopbackOnly(account, client);
        return new BrokerPrincipal(account.name(), account.roles());
    }

    private boolean passwordMatches(UserAccount account, String password) {
        byte[] digest = keyedDigest(account.name(), password);
        byte[] known = verified.get(account.name());
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return true;
        }
        if (account.password().matches(password)) {
            verified.put(account.name(), digest);
            return true;
        }
        return false;
    }

    private byte[] keyedDigest(String user, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(pepper);
            md.update(user.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(password.getBytes(StandardCharsets.UTF_8));
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    @Override
    public boolean isAllowed(BrokerPrincipal who, Permission what, String vhost, String resource) {
        for (PermissionRule r : rules) {
            if (r.allows(who, what, vhost, resource)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<BrokerPrincipal> principalOf(String username) {
        UserAccount account = username == null ? null : users.get(username);
        return account == null ? Optional.empty()
                : Optional.of(new BrokerPrincipal(account.name(), account.roles()));
    }

    @Override
    public BrokerPrincipal vouchedFor(String username, ClientInfo client) {
        UserAccount account = username == null ? null : users.get(username);
        if (account == null) {
            throw new BrokerException(ErrorCode.AUTHENTICATION_FAILED, "user '" + username + "' is not configured");
        }
        refuseRemoteIfLoopbackOnly(account, client);
        return new BrokerPrincipal(account.name(), account.roles());
    }

    private static void refuseRemoteIfLoopbackOnly(UserAccount account, ClientInfo client) {
        if (account.loopbackOnly() && !client.fromLoopback()) {
            LOG.info("User '{}' refused from {}: it may only connect from loopback", account.name(), client.remote());
            throw new BrokerException(ErrorCode.AUTHENTICATION_FAILED, "user '" + account.name()
                    + "' may only connect from localhost; create another user for remote access");
        }
    }

    @Override
    public boolean mayAccess(BrokerPrincipal who, String vhost) {
        for (PermissionRule r : rules) {
            if (r.appliesTo(who, vhost)) {
                return true;
            }
        }
        return false;
    }
}
