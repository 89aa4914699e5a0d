package dev.parley.delivery;

import dev.parley.providers.ProviderRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue board as Prometheus metrics, for all tenants: messages by status and channel, the age of the
 * oldest due message, sends in flight and sent by this node, and each loaded provider's circuit state.
 * Counts come from one GROUP BY every {@link #REFRESH}, never per scrape.
 */
public final class DeliveryMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryMetrics.class);
    static final Duration REFRESH = Duration.ofSeconds(10);

    private final Jdbi jdbi;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong oldestDueMillis = new AtomicLong();
    private final Thread refresher;
    private volatile boolean stopped;

    public DeliveryMetrics(Jdbi jdbi, Clock clock, MeterRegistry meters, DeliveryEngine engine, ProviderRegistry providers) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.meters = meters;
        Gauge.builder("parley.queue.oldest.due.seconds", oldestDueMillis, v -> v.get() / 1000.0)
                .description("Age of the oldest queued message's due time").register(meters);
        if (engine != null) {
            Gauge.builder("parley.sends.in.flight", engine, DeliveryEngine::inFlight).register(meters);
            Gauge.builder("parley.sends.completed", engine, DeliveryEngine::sent)
                    .description("Provider calls completed by this node since it started").register(meters);
            Gauge.builder("parley.results.settled", engine, DeliveryEngine::settled).register(meters);
        }
        Gauge.builder("parley.providers.circuits.open", providers, p -> p.loaded().stream()
                .filter(l -> !"closed".equals(String.valueOf(l.breaker().snapshot().get("state")))).count())
                .description("Provider accounts whose circuit is open or half-open on this node").register(meters);
        refresher = Thread.ofPlatform().name("parley-metrics").daemon(true).start(this::loop);
    }

    private void loop() {
        while (!stopped) {
            try {
                refresh();
            } catch (RuntimeException e) {
                log.debug("Queue metrics refresh failed", e);
            }
            try {
                Thread.sleep(REFRESH);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void refresh() {
        Map<String, Long> now = new java.util.HashMap<>();
        jdbi.useHandle(h -> {
            h.createQuery("SELECT status, channel, COUNT(*) FROM message GROUP BY status, channel")
                    .map((rs, c) -> Map.entry(rs.getString(1) + "|" + rs.getString(2), rs.getLong(3)))
                    .forEach(e -> now.put(e.getKey(), e.getValue()));
            Instant oldest = h.createQuery("SELECT MIN(due_at) FROM message WHERE status = 'queued'")
                    .map((rs, c) -> rs.getTimestamp(1) == null ? Instant.MAX : rs.getTimestamp(1).toInstant()).one();
            oldestDueMillis.set(oldest.equals(Instant.MAX) ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis()));
        });
        counts.forEach((k, v) -> v.set(now.getOrDefault(k, 0L)));
        now.forEach((key, n) -> counts.computeIfAbsent(key, k -> {
            String[] sc = k.split("\\|", 2);
            AtomicLong holder = new AtomicLong();
            Gauge.builder("parley.messages", holder, AtomicLong::get).tag("status", sc[0]).tag("channel", sc[1])
                    .description("Messages in the ledger by status and channel").register(meters);
            return holder;
        }).set(n));
    }

    @Override
    public void close() {
        stopped = true;
        refresher.interrupt();
    }
}
