package dev.parley.delivery;

import dev.parley.providers.Backoff;
import dev.parley.providers.ProviderRegistry;
import dev.parley.providers.SendRequest;
import dev.parley.providers.SendResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker node's delivery loop: claimer → (rate slots) → sender → settler, plus the scheduler, reaper and
 * heartbeat. Sends run on virtual threads; the loops are a few platform threads. The one rule that keeps
 * every guarantee: a send happens only for a row this node holds under a lease, and its result is settled
 * only if the row is still this node's at that attempt.
 *
 * <p>{@code PARLEY_SEND_CONCURRENCY} bounds the rows this node holds in {@code sending}, not only the sends
 * under way: a claimed row's permit is returned once its result is committed, so a crash leaves at most that
 * many rows for the reaper (the {@code unknown} ones under at-most-once).
 */
public final class DeliveryEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
    static final int MAX_CLAIM = 1000;
    static final int MAX_SETTLE = 2000;
    static final Duration RATE_HORIZON = Duration.ofMillis(250);
    /**
     * On a rate-limited account, a node starts no send while more than its rate times this window (or times
     * twice the account's recent latency, when longer) are already with the provider: if the provider's
     * client stalls (a cold JVM opening its first connections), what then arrives at once stays a small part
     * of a second's worth. A send that finds no room goes back to the queue like one that missed its slot.
     */
    static final double PACED_IN_FLIGHT_SECONDS = 0.05;
    /**
     * How late after its rate slot a send may still start. A sender that wakes later (a busy, starting or
     * paused JVM) does not send: catching up would put many slots' sends into one moment, the burst a strict
     * provider rejects. Since every send starts within [slot, slot + 100 ms], any 1 s window at the provider
     * holds at most 1.1 × the rate (+1), wherever a node stalls. The row goes back to the queue unsent.
     */
    static final Duration SLOT_TOLERANCE = Duration.ofMillis(50);
    static final Duration LANE_REFRESH = Duration.ofMillis(250);
    static final Duration IDLE_POLL = Duration.ofMillis(10);
    static final Duration SCHEDULER_MIN_WAIT = Duration.ofMillis(5);
    static final Duration SCHEDULER_MAX_WAIT = Duration.ofMillis(50);

    /** Told when a send is handed to its provider (benchmarks measure scheduling lateness with it). */
    public interface HandOffListener {
        void handedOff(Claimed message, Instant at);
    }

    /** Engine settings from configuration. */
    public record Settings(String nodeId, int sendConcurrency, Duration lease, Duration shutdownGrace) {}

    private final Settings settings;
    private final Clock clock;
    private volatile UnsubscribeLinks unsubscribeLinks = UnsubscribeLinks.NONE;
    private final Claims claims;
    private final Settlements settlements;
    private final Receipts receipts;
    private final Sweeps sweeps;
    private final RateLimits rateLimits;
    private final Nodes nodes;
    private final ProviderRegistry providers;
    private final TenantRates tenantRates;
    private final CampaignRates campaignRates;
    private final Backoff backoff;
    private final Semaphore permits;
    /** Settling threads (see {@link dev.parley.db.Dialect#hotRowWriters}). */
    private final int settlers;
    private final LinkedBlockingQueue<Settlement> results = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Boolean> claimWake = new LinkedBlockingQueue<>(1);
    private final LinkedBlockingQueue<Boolean> scheduleWake = new LinkedBlockingQueue<>(1);
    private final Set<Thread> senders = ConcurrentHashMap.newKeySet();
    private final AtomicLong sentCount = new AtomicLong();
    private final AtomicLong settledCount = new AtomicLong();
    private final Map<String, Pace> paces = new ConcurrentHashMap<>();

    /** Sends started and not yet answered on one rate-limited account, and its recent latency. */
    private static final class Pace {
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        volatile double latencyMillis;

        /** Takes a place for a send, or answers false when the account already has its share in flight. */
        boolean tryStart(double rate) {
            double window = Math.max(PACED_IN_FLIGHT_SECONDS, 2 * latencyMillis / 1000);
            int cap = Math.max(2, (int) Math.ceil(rate * window));
            if (inFlight.incrementAndGet() > cap) {
                inFlight.decrementAndGet();
                return false;
            }
            return true;
        }

        /** A started send ended after {@code millis}. */
        void finished(long millis) {
            inFlight.decrementAndGet();
            double l = latencyMillis;
            latencyMillis = l == 0 ? millis : 0.8 * l + 0.2 * millis;
        }
    }
    private volatile HandOffListener listener = (m, t) -> { };
    private volatile boolean stopping;
    private volatile boolean settlerDone;
    private volatile List<Lane> lanes = List.of();
    private volatile Instant lanesAt = Instant.EPOCH;
    private final List<Thread> loops = new ArrayList<>();
    private int rotation;

    public DeliveryEngine(Settings settings, Clock clock, Claims claims, Settlements settlements, Sweeps sweeps,
                          RateLimits rateLimits, Nodes nodes, ProviderRegistry providers, TenantRates tenantRates) {
        this.settings = settings;
        this.clock = clock;
        this.claims = claims;
        this.settlements = settlements;
        this.receipts = settlements.receipts();
        this.sweeps = sweeps;
        this.rateLimits = rateLimits;
        this.nodes = nodes;
        this.providers = providers;
        this.tenantRates = tenantRates;
        this.campaignRates = new CampaignRates(settlements.jdbi(), clock);
        this.backoff = Backoff.standard();
        this.permits = new Semaphore(settings.sendConcurrency());
        this.settlers = settlements.writers();
    }

    /** Builds an engine with its parts over one database. */
    public static DeliveryEngine create(Settings settings, Clock clock, dev.parley.db.Database db, Nodes nodes,
                                        ProviderRegistry providers, Receipts receipts) {
        var jdbi = db.jdbi();
        return new DeliveryEngine(settings, clock, new Claims(jdbi, db.dialect()), new Settlements(jdbi, db.dialect(), receipts),
                new Sweeps(jdbi, db.dialect()), new RateLimits(jdbi), nodes, providers, new TenantRates(jdbi, clock));
    }

    /** Where campaign emails' one-click unsubscribe URLs come from (none until set). */
    public void unsubscribeLinks(UnsubscribeLinks links) {
        this.unsubscribeLinks = links;
    }

    public void onHandOff(HandOffListener listener) {
        this.listener = listener;
    }

    public void start() {
        loops.add(loop("parley-claimer", this::claimLoop));
        for (int i = 0; i < settlers; i++) {
            loops.add(loop("parley-settler-" + i, this::settleLoop));
        }
        loops.add(loop("parley-scheduler", this::scheduleLoop));
        loops.add(loop("parley-reaper", this::reapLoop));
        log.info("Delivery engine started on node {} (concurrency {}, lease {})", settings.nodeId(),
                settings.sendConcurrency(), settings.lease());
    }

    private Thread loop(String name, Runnable body) {
        Thread t = Thread.ofPlatform().name(name).daemon(true).start(() -> {
            boolean settler = name.startsWith("parley-settler");
            while (!stopping || settler) {
                try {
                    body.run();
                    if (settler && stopping && settlerDone) {
                        return;
                    }
                } catch (RuntimeException e) {
                    log.warn("{} failed; retrying in 1 s", name, e);
                    sleepQuietly(Duration.ofSeconds(1));
                }
            }
        });
        return t;
    }

    private synchronized void removeLanes(List<Lane> empty) {
        List<Lane> remaining = new ArrayList<>(lanes);
        remaining.removeAll(empty);
        lanes = remaining;
    }

    private synchronized void addLanes(java.util.Collection<Lane> more) {
        List<Lane> next = new ArrayList<>(lanes);
        for (Lane l : more) {
            if (!next.contains(l)) {
                next.add(l);
            }
        }
        lanes = next;
    }

    /** Wakes the claimer (new queued work on this node) and the scheduler (new scheduled work). */
    public void nudge() {
        claimWake.offer(Boolean.TRUE);
        scheduleWake.offer(Boolean.TRUE);
    }

    // ---- claiming -----------------------------------------------------------------------------------

    void claimLoop() {
        int claimed = claimOnce();
        if (claimed == 0) {
            await(claimWake, IDLE_POLL);
        }
    }

    /** One round over the lanes; returns how many rows it claimed. */
    public int claimOnce() {
        int free = Math.min(permits.availablePermits(), MAX_CLAIM);
        if (free == 0) {
            await(claimWake, IDLE_POLL);
            return 0;
        }
        Instant now = clock.instant();
        if (lanesAt.plus(LANE_REFRESH).isBefore(now)) {
            lanes = claims.lanes();
            lanesAt = now;
        }
        // Fair shares: the free capacity is split evenly across tenants, and a tenant's share evenly across
        // its lanes (its transactional messages and each running campaign). The starting tenant rotates.
        Map<String, List<Lane>> byTenant = new java.util.LinkedHashMap<>();
        for (Lane lane : lanes) {
            byTenant.computeIfAbsent(lane.tenantId(), t -> new ArrayList<>()).add(lane);
        }
        if (byTenant.isEmpty()) {
            return 0;
        }
        List<String> tenants = new ArrayList<>(byTenant.keySet());
        int turn = rotation++;
        Collections.rotate(tenants, turn % tenants.size());
        int total = 0;
        List<Lane> empty = new ArrayList<>();
        for (int pass = 0; pass < 2 && free > 0; pass++) {
            int maxPriority = pass == 0 ? 0 : Short.MAX_VALUE;
            for (int t = 0; t < tenants.size() && free > 0; t++) {
                List<Lane> own = new ArrayList<>(byTenant.get(tenants.get(t)));
                Collections.rotate(own, turn % own.size());
                int tenantShare = Math.max(1, free / (tenants.size() - t));
                for (int i = 0; i < own.size() && tenantShare > 0 && free > 0; i++) {
                    int quota = Math.max(1, tenantShare / (own.size() - i));
                    int got = claimLane(own.get(i), quota, maxPriority);
                    if (got == 0 && pass == 1) {
                        empty.add(own.get(i));
                    }
                    tenantShare -= got;
                    free -= got;
                    total += got;
                }
            }
        }
        if (!empty.isEmpty()) {
            removeLanes(empty);
        }
        return total;
    }

    private int claimLane(Lane lane, int quota, int maxPriority) {
        Optional<ProviderRegistry.Live> live = providers.get(lane.providerId());
        if (live.isEmpty()) {
            return 0;
        }
        if (!live.get().row().enabled() || !live.get().breaker().allow()) {
            return moveAway(lane, quota, maxPriority,
                    live.get().row().enabled() ? "the provider's circuit is open" : "the provider is disabled");
        }
        // Read the clock only now: building an adapter (first use, or after a change) can take seconds on a
        // cold JVM, and both the rate slots and the lease deadline must start from the real moment of the claim.
        Instant now = clock.instant();
        List<RateLimits.Reservation> reservations = new ArrayList<>(2);
        int wanted = quota;
        Double providerRate = live.get().row().ratePerSecond();
        Pace pace = providerRate == null || providerRate <= 0 ? null : paces.computeIfAbsent(lane.providerId(), p -> new Pace());
        Double tenantRate = tenantRates.rateOf(lane.tenantId());
        Double campaignRate = campaignRates.rateOf(lane.campaignId());
        for (Map.Entry<String, Double> limit : limits(lane, providerRate, tenantRate, campaignRate).entrySet()) {
            Optional<RateLimits.Reservation> r = rateLimits.reserve(limit.getKey(), limit.getValue(), wanted, now, RATE_HORIZON);
            if (r.isEmpty()) {
                giveBackAll(reservations, 0);
                return 0;
            }
            reservations.add(r.get());
            wanted = Math.min(wanted, r.get().count());
        }
        List<Claimed> got = claims.claim(lane, wanted, maxPriority, settings.nodeId(), clock.instant(), settings.lease());
        for (RateLimits.Reservation r : reservations) {
            rateLimits.giveBack(r, r.count() - got.size());
        }

        if (!permits.tryAcquire(got.size())) {
            permits.acquireUninterruptibly(got.size());
        }
        java.util.Set<String> blocked = claims.suppressed(lane, got);
        for (int i = 0; i < got.size(); i++) {
            if (blocked.contains(got.get(i).id())) {
                results.add(Outcomes.suppressed(got.get(i)));
                continue;
            }
            Instant slot = null;
            for (RateLimits.Reservation r : reservations) {
                Instant s = r.slot(i);
                slot = slot == null || s.isAfter(slot) ? s : slot;
            }
            dispatch(got.get(i), live.get(), slot, pace, providerRate);
        }
        return got.size();
    }

    /**
     * Moves queued rows that have fallbacks off a provider that cannot send now, without an attempt. Rows
     * without fallbacks wait for the circuit to close (or the provider to be enabled again).
     */
    private int moveAway(Lane lane, int quota, int maxPriority, String why) {
        List<Claimed> got = claims.claim(lane, quota, maxPriority, settings.nodeId(), clock.instant(), settings.lease(), true);
        if (!permits.tryAcquire(got.size())) {
            permits.acquireUninterruptibly(got.size());
        }
        for (Claimed c : got) {
            results.add(Outcomes.failover(c, why, -1));
        }
        return got.size();
    }

    private static Map<String, Double> limits(Lane lane, Double providerRate, Double tenantRate, Double campaignRate) {
        Map<String, Double> limits = new java.util.LinkedHashMap<>();
        if (providerRate != null && providerRate > 0) {
            limits.put("provider:" + lane.providerId(), providerRate);
        }
        if (tenantRate != null && tenantRate > 0) {
            limits.put("tenant:" + lane.tenantId(), tenantRate);
        }
        if (campaignRate != null && campaignRate > 0) {
            limits.put("campaign:" + lane.campaignId(), campaignRate);
        }
        return limits;
    }

    private void giveBackAll(List<RateLimits.Reservation> reservations, int used) {
        for (RateLimits.Reservation r : reservations) {
            rateLimits.giveBack(r, r.count() - used);
        }
    }

    // ---- sending ------------------------------------------------------------------------------------

    private void dispatch(Claimed c, ProviderRegistry.Live live, Instant slot, Pace pace, Double rate) {
        Thread.ofVirtual().name("send-" + c.id()).start(() -> {
            senders.add(Thread.currentThread());
            boolean started = false;
            long sendStart = 0;
            try {
                if (slot != null) {
                    waitUntil(slot);
                }
                if (stopping) {
                    results.add(Outcomes.released(c, "node stopping before the send started"));
                    return;
                }
                Instant now = clock.instant();
                if (c.validUntil() != null && !now.isBefore(c.validUntil())) {
                    results.add(Outcomes.expired(c));
                    return;
                }
                if (slot != null && now.isAfter(slot.plus(SLOT_TOLERANCE))) {
                    results.add(Outcomes.released(c, "missed its rate slot by " + Duration.between(slot, now).toMillis()
                            + " ms (the node was busy); back to the queue unsent"));
                    return;
                }
                if (pace != null && !pace.tryStart(rate)) {
                    results.add(Outcomes.released(c, "the provider already has its share of sends in flight; back to the queue unsent"));
                    return;
                }
                listener.handedOff(c, now);
                started = true;
                sendStart = System.nanoTime();
                String unsubscribe = c.channel().equals("email") && c.campaignId() != null
                        ? unsubscribeLinks.urlFor(c.id()) : null;
                SendResult result = live.provider().send(new SendRequest(c.id(), c.tenantId(), c.channel(), c.to(), c.from(),
                        c.subject(), c.text(), c.html(), c.attempt(), Map.of(), unsubscribe));
                live.breaker().record(result);
                results.add(Outcomes.decide(c, result, clock.instant(), backoff));
                sentCount.incrementAndGet();
            } catch (InterruptedException e) {
                results.add(started ? Outcomes.ambiguous(c, "the node stopped while the send was in flight")
                        : Outcomes.released(c, "node stopping before the send started"));
            } catch (RuntimeException e) {
                log.error("Provider {} threw on message {}; treating the attempt as ambiguous", c.providerId(), c.id(), e);
                results.add(Outcomes.ambiguous(c, "the provider adapter failed: " + e));
            } finally {
                senders.remove(Thread.currentThread());
                if (pace != null && started) {
                    pace.finished((System.nanoTime() - sendStart) / 1_000_000);
                }
            }
        });
    }

    private void waitUntil(Instant slot) throws InterruptedException {
        while (!stopping) {
            long ms = Duration.between(clock.instant(), slot).toMillis();
            if (ms <= 0) {
                return;
            }
            Thread.sleep(Math.min(ms, 50));
        }
    }

    // ---- settling -----------------------------------------------------------------------------------

    void settleLoop() {
        Settlement first;
        try {
            first = results.poll(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (first == null) {
            if (stopping && senders.isEmpty() && results.isEmpty()) {
                settlerDone = true;
            }
            return;
        }
        List<Settlement> batch = new ArrayList<>(Math.min(MAX_SETTLE, results.size() + 1));
        batch.add(first);
        results.drainTo(batch, MAX_SETTLE - 1);
        settleWithRetry(batch);
        permits.release(batch.size());
        if (batch.stream().anyMatch(s -> s.eventType().equals("failover"))) {
            lanesAt = Instant.EPOCH;
            claimWake.offer(Boolean.TRUE);
        }
    }

    private void settleWithRetry(List<Settlement> batch) {
        for (int attempt = 1; ; attempt++) {
            try {
                Set<String> lost = settlements.settle(batch, settings.nodeId(), clock.instant());
                settledCount.addAndGet(batch.size() - lost.size());
                if (!lost.isEmpty()) {
                    log.warn("{} result(s) arrived after their lease was settled by another node: {}", lost.size(),
                            lost.stream().limit(10).toList());
                }
                return;
            } catch (RuntimeException e) {
                log.warn("Settling {} result(s) failed (try {}); retrying", batch.size(), attempt, e);
                sleepQuietly(Duration.ofMillis(Math.min(2000, 100L * attempt)));
            }
        }
    }

    // ---- scheduling, reaping, heartbeats ------------------------------------------------------------

    void scheduleLoop() {
        Instant now = clock.instant();
        Sweeps.Promoted promoted = sweeps.promoteDue(now, 5000);
        if (promoted.moved() > 0) {
            addLanes(promoted.lanes());
            claimWake.offer(Boolean.TRUE);
            if (promoted.moved() == 5000) {
                return;
            }
        }
        // Wake at the next due time, but batch promotions at least 5 ms apart and look again at least every 50 ms.
        Duration wait = sweeps.nextDue()
                .map(due -> Duration.between(clock.instant(), due))
                .map(d -> d.compareTo(SCHEDULER_MIN_WAIT) < 0 ? SCHEDULER_MIN_WAIT : d)
                .filter(d -> d.compareTo(SCHEDULER_MAX_WAIT) < 0)
                .orElse(SCHEDULER_MAX_WAIT);
        await(scheduleWake, wait);
    }

    private Instant lastHeartbeat = Instant.EPOCH;
    private Instant lastExpirySweep = Instant.EPOCH;
    private Instant lastReceiptSweep = Instant.EPOCH;
    private static final Duration RECEIPT_SWEEP = Duration.ofSeconds(1);

    /**
     * How often this node beats and renews its leases: every {@link Nodes#HEARTBEAT}, or a quarter of the
     * lease when that is shorter. Each beat renews every row whose lease was set more than a beat ago, so
     * right after a beat every lease has at least {@code lease − beat} left, and the next beat comes within
     * {@code 1.5 × beat} plus the loop's own work (it sleeps half a beat). With a beat of at most a quarter
     * of the lease, over a third of the lease is left as margin: a live node's lease does not run out,
     * whatever {@code PARLEY_LEASE} is, unless the database stalls this loop for that long.
     */
    Duration beat() {
        Duration quarter = settings.lease().dividedBy(4);
        return quarter.compareTo(Nodes.HEARTBEAT) < 0 ? quarter : Nodes.HEARTBEAT;
    }

    void reapLoop() {
        Instant now = clock.instant();
        Duration beat = beat();
        if (!lastHeartbeat.plus(beat).isAfter(now)) {
            nodes.heartbeat(settings.nodeId());
            sweeps.extendLeases(settings.nodeId(), now, settings.lease(), settings.lease().minus(beat));
            lastHeartbeat = now;
        }
        int reaped = sweeps.reapExpiredLeases(now, 5000);
        if (reaped > 0) {
            log.warn("Settled {} message(s) whose sending node's lease expired", reaped);
            claimWake.offer(Boolean.TRUE);
        }
        if (lastExpirySweep.plus(Duration.ofSeconds(5)).isBefore(now)) {
            sweeps.expireWaiting(now, 5000);
            lastExpirySweep = now;
        }
        if (lastReceiptSweep.plus(RECEIPT_SWEEP).isBefore(now)) {
            receipts.applyStranded(1000);
            lastReceiptSweep = now;
        }
        Duration halfBeat = beat.dividedBy(2);
        sleepQuietly(halfBeat.compareTo(Duration.ofMillis(500)) < 0 ? halfBeat : Duration.ofMillis(500));
    }

    /** Runs the scheduler, reaper and heartbeat once (tests call this with a moved clock). */
    public void sweepOnce() {
        Instant now = clock.instant();
        addLanes(sweeps.promoteDue(now, 5000).lanes());
        sweeps.reapExpiredLeases(now, 5000);
        sweeps.expireWaiting(now, 5000);
        receipts.applyStranded(1000);
    }

    public long sent() {
        return sentCount.get();
    }

    /** Results this node has settled into the ledger since it started. */
    public long settled() {
        return settledCount.get();
    }

    public int inFlight() {
        return settings.sendConcurrency() - permits.availablePermits();
    }

    public String nodeId() {
        return settings.nodeId();
    }

    /**
     * Stops claiming, gives in-flight sends the grace period, interrupts what is left (their rows settle by
     * guarantee), releases rows never started, settles every result, and marks the node stopped.
     */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        claimWake.offer(Boolean.TRUE);
        scheduleWake.offer(Boolean.TRUE);
        Instant deadline = Instant.now().plus(settings.shutdownGrace());
        while (!senders.isEmpty() && Instant.now().isBefore(deadline)) {
            sleepQuietly(Duration.ofMillis(10));
        }
        if (!senders.isEmpty()) {
            log.warn("{} send(s) still in flight after the grace period; interrupting them", senders.size());
            senders.forEach(Thread::interrupt);
        }
        for (Thread t : loops) {
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        nodes.stopped(settings.nodeId());
        log.info("Delivery engine stopped; {} send(s) made by this node", sentCount.get());
    }

    private static void await(LinkedBlockingQueue<Boolean> signal, Duration timeout) {
        try {
            signal.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
