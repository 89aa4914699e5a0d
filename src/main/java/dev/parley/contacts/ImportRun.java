package dev.parley.contacts;

import dev.parley.db.Dialect;
import dev.parley.db.SqlStates;
import dev.parley.db.TenantHandle;
import java.io.Reader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one import to its end: this thread reads and normalises rows into chunks of {@link #CHUNK} for
 * {@link Dialect#importWriters} writer threads, routed by phone (else email) so that rows naming one phone
 * always meet the same writer, in file order. A writer applies each chunk with {@link ContactMerge} in its
 * own transaction together with the job's counters, so progress is exact and a crash loses at most the
 * chunks in flight. A writer's queue holds one chunk besides the one it applies and the one being filled:
 * memory does not grow with the file. Chunks look up only the addresses
 * an {@link AddressFilter} made at the start says may exist; a chunk that meets a twin made concurrently (a
 * unique index fires) or deadlocks with another writer on row locks is retried from a fresh lookup of every
 * address.
 *
 * <p>Chunk transactions commit without waiting for the WAL flush on PostgreSQL
 * ({@link Dialect#asynchronousCommit}): a crash may lose the last chunks committed, together with their
 * counters, so the job still adds up; the job is then marked failed and re-running the file creates no
 * duplicates. The final status is committed durably.
 */
final class ImportRun {
    static final int CHUNK = 5_000;
    private static final int ATTEMPTS = 5;
    private static final Logger log = LoggerFactory.getLogger(ImportRun.class);
    private static final Handed END = new Handed(new ContactMerge.Chunk(List.of(), List.of(), new long[0], List.of(), new long[0]), -1);

    /** A chunk handed to a writer, with the tag under which {@link Router} knows its addresses while it is in flight. */
    private record Handed(ContactMerge.Chunk chunk, long tag) {}

    private final Jdbi jdbi;
    private final int writers;
    private final String asynchronousCommit;
    private final ContactMerge merge;
    private final ImportStore store;
    private final Clock clock;

    ImportRun(Jdbi jdbi, Dialect dialect, ContactMerge merge, ImportStore store, Clock clock) {
        this.jdbi = jdbi;
        this.writers = dialect.importWriters();
        this.asynchronousCommit = dialect.asynchronousCommit();
        this.merge = merge;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Runs {@code job} (which must be queued) over {@code file}; {@code progress} hears the job after every
     * chunk. Returns the finished job.
     */
    ImportJob run(String tenantId, ImportJob job, CsvFile file, Consumer<ImportJob> progress) {
        boolean started = jdbi.inTransaction(h -> store.start(new TenantHandle(h, tenantId), job.id(), clock.instant()));
        if (!started) {
            return get(tenantId, job.id());
        }
        ColumnMapping mapping = new ColumnMapping(job.headers(), List.copyOf(job.mapping().values()));
        RowReader rows = new RowReader(mapping, job.region());
        ContactMerge.Policy policy = ContactMerge.Policy.valueOf(job.policy());
        // In a transaction, so that PostgreSQL's driver streams the tenant's addresses by the fetch size rather than
        // reading them all into memory.
        AddressFilter filter = jdbi.inTransaction(h -> AddressFilter.of(new TenantHandle(h, tenantId), file.rowsEstimate()));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean canceled = new AtomicBoolean();
        List<BlockingQueue<Handed>> queues = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Router router = new Router(writers);
        for (int w = 0; w < writers; w++) {
            BlockingQueue<Handed> queue = new ArrayBlockingQueue<>(1);
            queues.add(queue);
            threads.add(Thread.ofPlatform().name("parley-import-" + job.id() + "-" + w).start(() -> {
                try {
                    Handed handed;
                    while ((handed = queue.take()) != END) {
                        if (canceled.get() || failure.get() != null) {
                            continue;
                        }
                        if (applyWithRetry(tenantId, job, policy, handed.chunk(), file.rowsEstimate(), filter)) {
                            canceled.set(true);
                        }
                        router.committed(handed);
                        progress.accept(get(tenantId, job.id()));
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    queue.clear();
                }
            }));
        }
        String error = null;
        try (Reader reader = file.open()) {
            CsvParser parser = file.parser(reader);
            parser.next();
            CsvParser.Record record;
            while ((record = parser.next()) != null && !canceled.get() && failure.get() == null) {
                int w = router.add(rows.read(record));
                if (router.full(w)) {
                    hand(queues.get(w), router.take(w), failure);
                }
            }
            for (int w = 0; w < writers; w++) {
                if (!router.empty(w) && !canceled.get()) {
                    hand(queues.get(w), router.take(w), failure);
                }
            }
        } catch (Exception e) {
            log.warn("Import {} could not read its file", job.id(), e);
            error = "the file could not be read to its end: " + e.getMessage();
        } finally {
            for (int w = 0; w < writers; w++) {
                end(queues.get(w), threads.get(w));
            }
        }
        Throwable t = failure.get();
        if (t instanceof ContactMerge.ListGone gone) {
            log.info("Import {} stopped: {}", job.id(), gone.getMessage());
            error = gone.getMessage() + "; the contacts of committed chunks are kept, and their memberships went with the list";
        } else if (t != null) {
            log.error("Import {} failed", job.id(), t);
            error = "the import stopped on an internal error; rows of committed chunks are kept and re-running the file"
                    + " creates no duplicates (" + t.getClass().getSimpleName() + ")";
        }
        String status = error != null ? "failed" : canceled.get() ? "canceled" : "completed";
        String finalError = error;
        jdbi.useTransaction(h -> store.finish(new TenantHandle(h, tenantId), job.id(), status, finalError, clock.instant()));
        ImportJob done = get(tenantId, job.id());
        progress.accept(done);
        return done;
    }

    /**
     * Sends rows to writers so that rows about one person are applied in file order: a row goes to the writer of a
     * row still in flight (read, not yet committed) that names its phone or email, else by a hash of its phone
     * (else email). A row naming a phone in flight at one writer and an email in flight at another goes with its
     * phone; that contact then meets the other writer through the unique indexes and row locks of
     * {@link ContactMerge}, which keep it single, though its two rows may then apply out of file order. Unusable rows
     * are spread by line.
     *
     * <p>Addresses are known by their {@link AddressFilter#key}s alone: two addresses sharing one only send a row to
     * the other's writer, never two rows of one address to different writers. Each writer commits its chunks in the
     * order it was handed them, so a chunk is in flight exactly while its tag is above the last tag its writer
     * committed, and nothing needs forgetting when a chunk commits; {@link InFlight} drops the addresses of committed
     * chunks when it fills, so memory does not grow with the file.
     */
    private static final class Router {
        private final int writers;
        private final List<Filling> filling = new ArrayList<>();
        /** Each writer's current tag: chunk number × writers + writer. */
        private final long[] tags;
        /** Per writer, the tag of the last chunk it committed (-1 before the first); written by that writer. */
        private final AtomicLongArray committed;
        /** Address key → tag of the last chunk that named it; read and written by the reading thread alone. */
        private final InFlight inFlight;
        private long chunks;

        Router(int writers) {
            this.writers = writers;
            this.tags = new long[writers];
            this.committed = new AtomicLongArray(writers);
            for (int w = 0; w < writers; w++) {
                filling.add(new Filling());
                tags[w] = nextTag(w);
                committed.set(w, -1);
            }
            this.inFlight = new InFlight(tag -> tag > committed.get((int) (tag % writers)));
        }

        /** Adds a row to its writer's chunk; returns that writer. */
        int add(RowReader.Row row) {
            ContactInput in = row.input();
            long phoneKey = in == null || in.phone() == null ? 0 : AddressFilter.key(in.phone());
            long emailKey = in == null || in.email() == null ? 0 : AddressFilter.key(in.email());
            int w;
            if (writers == 1) {
                w = 0;
            } else if (in == null) {
                w = (int) (row.line() % writers);
            } else {
                long tag = inFlight.lookUp(phoneKey, emailKey);
                w = tag >= 0 ? (int) (tag % writers) : writerByAddress(phoneKey, emailKey, writers);
                inFlight.name(tags[w]);
            }
            filling.get(w).add(row, phoneKey, emailKey);
            return w;
        }

        boolean full(int w) {
            return filling.get(w).rows.size() >= CHUNK;
        }

        boolean empty(int w) {
            return filling.get(w).rows.isEmpty();
        }

        /** Writer {@code w}'s chunk, to hand over; a new one starts. */
        Handed take(int w) {
            Handed handed = new Handed(filling.get(w).chunk(), tags[w]);
            filling.set(w, new Filling());
            tags[w] = nextTag(w);
            return handed;
        }

        /** Called by a writer when a chunk is committed: its rows are no longer in flight. */
        void committed(Handed handed) {
            committed.set((int) (handed.tag() % writers), handed.tag());
        }

        private long nextTag(int w) {
            return chunks++ * writers + w;
        }
    }

    /**
     * Address keys and the tag of the chunk that last named each, open addressing (linear probing) over one array that
     * holds each key beside its tag, so that a probe reads one cache line. An entry whose chunk is no longer in flight
     * reads as absent, and goes when the table fills: it is then rebuilt from the entries still in flight, at a size
     * that leaves room for as many again. A row's two keys are probed once each: {@link #lookUp} finds their entries and
     * {@link #name} writes them.
     */
    static final class InFlight {
        private static final int MIN_SLOTS = 1 << 12;
        private final java.util.function.LongPredicate inFlight;
        /** Slot i is {@code table[2i]} (the key, 0 for none) and {@code table[2i + 1]} (its tag). */
        private long[] table = new long[2 * MIN_SLOTS];
        private int size;
        /** The keys {@link #lookUp} was last asked about (0 for none), and the index of each one's entry. */
        private long phoneKey;
        private long emailKey;
        private int phoneAt;
        private int emailAt;

        InFlight(java.util.function.LongPredicate inFlight) {
            this.inFlight = inFlight;
        }

        /** The tag of the chunk in flight that last named {@code key}, or -1. */
        long get(long key) {
            return tagAt(find(key));
        }

        void put(long key, long tag) {
            set(find(key), key, tag);
            settle();
        }

        /**
         * The tag of the chunk in flight that last named {@code phoneKey}, else {@code emailKey}, else -1 (a key of 0 is
         * none); {@link #name} then records the chunk the row goes to under both.
         */
        long lookUp(long phoneKey, long emailKey) {
            this.phoneKey = phoneKey;
            this.emailKey = emailKey;
            phoneAt = phoneKey == 0 ? -1 : find(phoneKey);
            long tag = phoneAt < 0 ? -1 : tagAt(phoneAt);
            emailAt = emailKey == 0 || tag >= 0 ? -1 : find(emailKey);
            return tag >= 0 || emailAt < 0 ? tag : tagAt(emailAt);
        }

        /** Records {@code tag} under the keys of the last {@link #lookUp}. */
        void name(long tag) {
            if (phoneKey != 0) {
                set(phoneAt, phoneKey, tag);
            }
            if (emailKey != 0) {
                // Not looked up, or its empty slot just taken by the phone (two keys may share a home slot): find it now.
                if (emailAt < 0 || (table[emailAt] != 0 && table[emailAt] != emailKey)) {
                    emailAt = find(emailKey);
                }
                set(emailAt, emailKey, tag);
            }
            settle();
        }

        int size() {
            return size;
        }

        private long tagAt(int at) {
            return table[at] != 0 && inFlight.test(table[at + 1]) ? table[at + 1] : -1;
        }

        private void set(int at, long key, long tag) {
            if (table[at] == 0) {
                table[at] = key;
                size++;
            }
            table[at + 1] = tag;
        }

        /** Rebuilds the table when more than half its slots are taken. */
        private void settle() {
            if (size <= table.length / 4) {
                return;
            }
            long[] old = table;
            int live = 0;
            for (int k = 0; k < old.length; k += 2) {
                if (old[k] != 0 && inFlight.test(old[k + 1])) {
                    live++;
                }
            }
            int slots = MIN_SLOTS;
            while (slots < live * 4) {
                slots <<= 1;
            }
            table = new long[2 * slots];
            size = 0;
            for (int k = 0; k < old.length; k += 2) {
                if (old[k] != 0 && inFlight.test(old[k + 1])) {
                    set(find(old[k]), old[k], old[k + 1]);
                }
            }
        }

        /** The index in {@code table} of the entry holding {@code key} (never 0), else of the empty one where it would go. */
        private int find(long key) {
            int mask = table.length / 2 - 1;
            int i = AddressMap.slot(key, mask);
            while (table[2 * i] != 0 && table[2 * i] != key) {
                i = (i + 1) & mask;
            }
            return 2 * i;
        }
    }

    /** The writer of a row naming no address in flight: by its phone's key, else its email's. */
    static int writerByAddress(long phoneKey, long emailKey, int writers) {
        return (int) (((phoneKey != 0 ? phoneKey : emailKey) >>> 1) % writers);
    }

    /**
     * The chunk a writer is being given, as its rows are read: the rows and their addresses with their keys. It never
     * holds more than {@link #CHUNK} rows ({@link Router#take} hands it over when full).
     */
    private static final class Filling {
        final List<RowReader.Row> rows = new ArrayList<>(CHUNK);
        final List<String> phones = new ArrayList<>(CHUNK);
        final List<String> emails = new ArrayList<>(CHUNK);
        final long[] phoneKeys = new long[CHUNK];
        final long[] emailKeys = new long[CHUNK];

        void add(RowReader.Row row, long phoneKey, long emailKey) {
            rows.add(row);
            if (phoneKey != 0) {
                phoneKeys[phones.size()] = phoneKey;
                phones.add(row.input().phone());
            }
            if (emailKey != 0) {
                emailKeys[emails.size()] = emailKey;
                emails.add(row.input().email());
            }
        }

        ContactMerge.Chunk chunk() {
            return new ContactMerge.Chunk(rows, phones, Arrays.copyOf(phoneKeys, phones.size()), emails, Arrays.copyOf(emailKeys, emails.size()));
        }
    }

    /**
     * Applies a chunk; returns whether the job was asked to cancel. A retry looks up every address, since the twin
     * that made the first attempt fail may be one the filter does not know of.
     */
    private boolean applyWithRetry(String tenantId, ImportJob job, ContactMerge.Policy policy, ContactMerge.Chunk chunk, long estimate,
                                   AddressFilter filter) {
        for (int attempt = 1; ; attempt++) {
            boolean lookUpAll = attempt > 1;
            try {
                return jdbi.inTransaction(h -> {
                    if (asynchronousCommit != null) {
                        h.execute(asynchronousCommit);
                    }
                    TenantHandle th = new TenantHandle(h, tenantId);
                    ContactMerge.Counts counts = merge.apply(th, job.id(), job.listId(), policy, job.consent(), chunk, job.headers(), filter, lookUpAll);
                    return store.progress(th, job.id(), counts, estimate, clock.instant());
                });
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !concurrentWriter(e)) {
                    throw e;
                }
                log.info("Import {} met a contact another writer was making; retrying the chunk", job.id());
            }
        }
    }

    /**
     * Whether {@code e} is what a concurrent writer of the same contact causes: a unique index refusing a twin
     * (23505), or PostgreSQL breaking a deadlock between two writers' row locks (40P01).
     */
    private static boolean concurrentWriter(Throwable e) {
        return SqlStates.causedBy(e, SqlStates.UNIQUE_VIOLATION, SqlStates.DEADLOCK);
    }

    private static void hand(BlockingQueue<Handed> queue, Handed chunk, AtomicReference<Throwable> failure) {
        try {
            while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                if (failure.get() != null) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, e);
        }
    }

    /**
     * Hands a writer its end and waits for it to finish. A live writer always drains its queue (it skips chunks
     * once the import failed or was canceled), so the end reaches it; a writer that failed has stopped reading.
     */
    private static void end(BlockingQueue<Handed> queue, Thread writer) {
        boolean interrupted = false;
        while (true) {
            try {
                while (writer.isAlive() && !queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
                    // the writer is still applying a chunk
                }
                writer.join();
                break;
            } catch (InterruptedException e) {
                // Every writer must still hear its end, or it waits for a chunk forever: keep going, interrupt after.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private ImportJob get(String tenantId, String id) {
        return jdbi.withHandle(h -> store.get(new TenantHandle(h, tenantId), id)).orElseThrow();
    }
}
