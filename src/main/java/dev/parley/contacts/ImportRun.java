package dev.parley.contacts;

import dev.parley.db.Dialect;
import dev.parley.db.TenantHandle;
import java.io.Reader;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one import to its end: this thread reads and normalises rows into chunks of {@link #CHUNK}; a
 * writer thread applies each chunk with {@link ContactMerge} in its own transaction together with the
 * job's counters, so progress is exact and a crash loses at most the chunk in flight. At most two
 * chunks wait between the threads: memory does not grow with the file. Chunks look up only the addresses
 * an {@link AddressFilter} made at the start says may exist; a chunk that meets a twin made concurrently (a
 * unique index fires) is retried from a fresh lookup of every address.
 *
 * <p>Chunk transactions commit without waiting for the WAL flush on PostgreSQL
 * ({@link Dialect#asynchronousCommit}): a crash may lose the last chunks committed, together with their
 * counters, so the job still adds up; the job is then marked failed and re-running the file creates no
 * duplicates. The final status is committed durably.
 */
final class ImportRun {
    static final int CHUNK = 10_000;
    private static final int ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(ImportRun.class);
    private static final ContactMerge.Chunk END = new ContactMerge.Chunk(List.of(), List.of(), List.of());

    private final Jdbi jdbi;
    private final String asynchronousCommit;
    private final ContactMerge merge;
    private final ImportStore store;
    private final Clock clock;

    ImportRun(Jdbi jdbi, Dialect dialect, ContactMerge merge, ImportStore store, Clock clock) {
        this.jdbi = jdbi;
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
        BlockingQueue<ContactMerge.Chunk> queue = new ArrayBlockingQueue<>(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> canceled = new AtomicReference<>(false);
        Thread writer = Thread.ofPlatform().name("parley-import-" + job.id()).start(() -> {
            try {
                ContactMerge.Chunk chunk;
                while ((chunk = queue.take()) != END) {
                    if (canceled.get() || failure.get() != null) {
                        continue;
                    }
                    if (applyWithRetry(tenantId, job, policy, chunk, file.rowsEstimate(), filter)) {
                        canceled.set(true);
                    }
                    progress.accept(get(tenantId, job.id()));
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                queue.clear();
            }
        });
        String error = null;
        try (Reader reader = file.open()) {
            CsvParser parser = file.parser(reader);
            parser.next();
            List<RowReader.Row> chunk = new ArrayList<>(CHUNK);
            CsvParser.Record record;
            while ((record = parser.next()) != null && !canceled.get() && failure.get() == null) {
                chunk.add(rows.read(record));
                if (chunk.size() == CHUNK) {
                    hand(queue, ContactMerge.chunk(chunk), failure);
                    chunk = new ArrayList<>(CHUNK);
                }
            }
            if (!chunk.isEmpty() && !canceled.get()) {
                hand(queue, ContactMerge.chunk(chunk), failure);
            }
        } catch (Exception e) {
            log.warn("Import {} could not read its file", job.id(), e);
            error = "the file could not be read to its end: " + e.getMessage();
        } finally {
            hand(queue, END, failure);
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable t = failure.get();
        if (t != null) {
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
     * Applies a chunk; returns whether the job was asked to cancel. A retry looks up every address, since the twin
     * that made the first attempt fail may be one the filter does not know of.
     */
    private boolean applyWithRetry(String tenantId, ImportJob job, ContactMerge.Policy policy, ContactMerge.Chunk chunk, long estimate,
                                   AddressFilter filter) {
        for (int attempt = 1; ; attempt++) {
            AddressFilter lookups = attempt == 1 ? filter : null;
            try {
                return jdbi.inTransaction(h -> {
                    if (asynchronousCommit != null) {
                        h.execute(asynchronousCommit);
                    }
                    TenantHandle th = new TenantHandle(h, tenantId);
                    ContactMerge.Counts counts = merge.apply(th, job.id(), job.listId(), policy, job.consent(), chunk, job.headers(), lookups);
                    return store.progress(th, job.id(), counts, estimate, clock.instant());
                });
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !uniqueViolation(e)) {
                    throw e;
                }
                log.info("Import {} met a contact made concurrently; retrying the chunk", job.id());
            }
        }
    }

    private static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void hand(BlockingQueue<ContactMerge.Chunk> queue, ContactMerge.Chunk chunk, AtomicReference<Throwable> failure) {
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

    private ImportJob get(String tenantId, String id) {
        return jdbi.withHandle(h -> store.get(new TenantHandle(h, tenantId), id)).orElseThrow();
    }
}
