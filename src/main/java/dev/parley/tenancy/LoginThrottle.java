package dev.parley.tenancy;

import dev.parley.core.Failure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Login throttling (SPEC §2): 5 failures per account or 20 per client address within 15 minutes answer
 * 429 until the oldest failure in the window ages out. Failures are rows, so every node sees them.
 */
public final class LoginThrottle {
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final int PER_ACCOUNT = 5;
    static final int PER_ADDRESS = 20;

    private final Jdbi jdbi;
    private final Clock clock;

    public LoginThrottle(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Throws {@link Failure.Throttled} when either limit is reached. */
    public void check(String account, String address) {
        Instant now = clock.instant();
        Instant since = now.minus(WINDOW);
        Optional<Instant> blockedUntil = jdbi.withHandle(h -> {
            Optional<Instant> byAccount = oldestIfOver(h, "account", account, since, PER_ACCOUNT);
            Optional<Instant> byAddress = oldestIfOver(h, "address", address, since, PER_ADDRESS);
            return byAccount.or(() -> byAddress).map(oldest -> oldest.plus(WINDOW));
        });
        if (blockedUntil.isPresent()) {
            Duration wait = Duration.between(now, blockedUntil.get());
            throw new Failure.Throttled("too many failed logins; try again later", wait.isNegative() ? Duration.ofSeconds(1) : wait);
        }
    }

    private static Optional<Instant> oldestIfOver(org.jdbi.v3.core.Handle h, String column, String value, Instant since, int limit) {
        // The limit-th most recent failure: once the window holds `limit` failures, the caller waits until the
        // oldest of those leaves the window.
        return h.createQuery("SELECT at FROM login_failure WHERE " + column + " = :value AND at > :since ORDER BY at DESC LIMIT :limit")
                .bind("value", value).bind("since", since).bind("limit", limit)
                .mapTo(Instant.class).list()
                .stream()
                .skip(limit - 1)
                .findFirst();
    }

    public void recordFailure(String account, String address) {
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO login_failure (account, address, at) VALUES (:account, :address, :at)")
                .bind("account", account).bind("address", address).bind("at", now).execute());
    }

    /** A successful login forgets the account's failures (the address's stay counted). */
    public void clearAccount(String account) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM login_failure WHERE account = :account").bind("account", account).execute());
    }

    public int purge() {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM login_failure WHERE at < :cutoff")
                .bind("cutoff", clock.instant().minus(WINDOW)).execute());
    }
}
