package dev.parley.simulator;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every request the simulator accepted, in memory. Recording is lock-free (one queue append and a few
 * counter increments), so it keeps up with the HTTP layer; everything derived — duplicates, windows,
 * rates — is computed when a summary is asked for.
 *
 * <p>A reset swaps in a fresh book: a request being recorded at that very moment may land in the old one
 * and be lost, so reset between runs, not during one. Provider message ids keep counting across resets.
 */
public final class Ledger {
    private static final class Book {
        final ConcurrentLinkedQueue<LedgerEntry> entries = new ConcurrentLinkedQueue<>();
        final Map<Refusal, LongAdder> refusals = new EnumMap<>(Refusal.class);

        Book() {
            for (Refusal refusal : Refusal.values()) {
                refusals.put(refusal, new LongAdder());
            }
        }
    }

    private final AtomicReference<Book> book = new AtomicReference<>(new Book());
    private final AtomicLong sequence = new AtomicLong();

    /** Records an accepted request and returns its entry, whose provider message id is new. */
    LedgerEntry accept(String id, String channel, String to, long receivedNanos, long receivedAtMillis, boolean late) {
        String providerMessageId = "sim-" + sequence.incrementAndGet();
        LedgerEntry entry = new LedgerEntry(id, channel, to, providerMessageId, receivedNanos, receivedAtMillis, late);
        book.get().entries.add(entry);
        return entry;
    }

    /** Records an accepted request under a provider message id the caller made (a dialect's own id format). */
    LedgerEntry accept(String id, String channel, String to, String providerMessageId, long receivedNanos,
                       long receivedAtMillis, boolean late) {
        LedgerEntry entry = new LedgerEntry(id, channel, to, providerMessageId, receivedNanos, receivedAtMillis, late);
        book.get().entries.add(entry);
        return entry;
    }

    void refuse(Refusal refusal) {
        book.get().refusals.get(refusal).increment();
    }

    public void reset() {
        book.set(new Book());
    }

    /** The accepted requests, roughly in arrival order (concurrent arrivals may be interleaved). */
    public List<LedgerEntry> entries() {
        return new ArrayList<>(book.get().entries);
    }

    public LedgerSummary summary() {
        Book current = book.get();
        Map<String, Long> refused = new java.util.LinkedHashMap<>();
        current.refusals.forEach((refusal, count) -> refused.put(refusal.wire, count.sum()));
        return LedgerSummary.of(new ArrayList<>(current.entries), refused);
    }
}
