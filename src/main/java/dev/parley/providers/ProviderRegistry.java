package dev.parley.providers;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's live adapters, one per provider account, built on first use and rebuilt when the account
 * changes (checked at most every {@link #RECHECK}). Each keeps its circuit breaker, so the breaker
 * outlives configuration changes that do not touch the adapter.
 */
public final class ProviderRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProviderRegistry.class);
    static final Duration RECHECK = Duration.ofSeconds(2);

    private final ProviderStore store;
    private final Clock clock;
    private final Supplier<URI> baseUrl;
    private final ProviderEvents events;
    private final Map<String, Live> live = new ConcurrentHashMap<>();

    /**
     * @param baseUrl Parley's public URL ({@code PARLEY_BASE_URL}), from which each account's callback URLs are made
     * @param events  where adapters hand events that arrive on their own connections
     */
    public ProviderRegistry(ProviderStore store, Clock clock, Supplier<URI> baseUrl, ProviderEvents events) {
        this.store = store;
        this.clock = clock;
        this.baseUrl = baseUrl;
        this.events = events;
    }

    /** A registry whose adapters' callbacks go nowhere (benchmarks). */
    public ProviderRegistry(ProviderStore store, Clock clock) {
        this(store, clock, () -> URI.create("http://127.0.0.1:8080"), ProviderEvents.NONE);
    }

    /** An account with its adapter and breaker. {@code checkedAt} is when its row was last read. */
    public record Live(ProviderStore.Row row, Provider provider, CircuitBreaker breaker, Instant checkedAt) {}

    public Optional<Live> get(String providerId) {
        Live current = live.get(providerId);
        Instant now = clock.instant();
        if (current != null && current.checkedAt().plus(RECHECK).isAfter(now)) {
            return Optional.of(current);
        }
        Optional<ProviderStore.Row> row = store.load(providerId);
        if (row.isEmpty()) {
            Live gone = live.remove(providerId);
            if (gone != null) {
                gone.provider().close();
            }
            return Optional.empty();
        }
        Live next;
        if (current != null && current.row().updatedAt().equals(row.get().updatedAt())) {
            next = new Live(current.row(), current.provider(), current.breaker(), now);
        } else {
            if (current != null) {
                current.provider().close();
            }
            ProviderStore.Row r = row.get();
            ProviderContext context = new ProviderContext(r.id(), clock, hookBase(r), events);
            next = new Live(r, ProviderTypes.create(context, r.type(), r.config()),
                    current != null ? current.breaker() : new CircuitBreaker(clock), now);
            log.info("Provider {} ({} {}) ready", r.id(), r.type(), r.channel());
        }
        live.put(providerId, next);
        return Optional.of(next);
    }

    private URI hookBase(ProviderStore.Row row) {
        String base = baseUrl.get().toString().replaceAll("/+$", "");
        return URI.create(base + "/hooks/" + row.type() + "/" + row.id());
    }

    public Collection<Live> loaded() {
        return List.copyOf(live.values());
    }

    @Override
    public void close() {
        live.values().forEach(l -> l.provider().close());
        live.clear();
    }
}
