package dev.parley.contacts;

import dev.parley.db.TenantHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A Bloom filter of the phones and emails a tenant's contacts may have, so that an import looks up only
 * the addresses that might exist: in a file of new people almost none do, and their lookups were a
 * quarter of PostgreSQL's work. Made when an import starts from the tenant's stored addresses and fed
 * every address the import writes, it has no false negatives for either.
 *
 * <p>What a reader could get wrong: the filter is <em>not</em> what keeps contacts unique. A contact
 * another writer creates after the filter was made is missing from it; the import then inserts a twin,
 * the unique index refuses it, and {@link ImportRun} retries the chunk with full lookups
 * ({@code ContactMerge.apply} without a filter). Memory is bounded ({@link #MAX_BITS}); a tenant with
 * more addresses than that holds well only fills the filter, which then lets every lookup through.
 */
final class AddressFilter {
    static final int MAX_BITS = 1 << 27;
    private static final int HASHES = 7;
    /** Longs per block: an address's bits all fall in one 64-byte block, so a probe reads one cache line, not seven. */
    private static final int BLOCK = 8;

    private final long[] bits;
    private final int blocks;

    AddressFilter(long expected) {
        long wanted = Math.max(1 << 16, Math.min(MAX_BITS, expected * 10));
        this.blocks = (int) (wanted / (64 * BLOCK));
        this.bits = new long[blocks * BLOCK];
    }

    /**
     * A filter holding every phone and email of the tenant's contacts, sized for {@code adding} more. Run it in a
     * transaction: PostgreSQL's driver honours the fetch size only there, and otherwise reads every address at once.
     */
    static AddressFilter of(TenantHandle th, long adding) {
        long stored = th.query("SELECT COUNT(*) FROM contact WHERE tenant_id = :tenant").mapTo(Long.class).one();
        AddressFilter filter = new AddressFilter(2 * (stored + adding));
        th.query("SELECT phone, email FROM contact WHERE tenant_id = :tenant").setFetchSize(10_000)
                .map((rs, ctx) -> {
                    filter.add(rs.getString(1));
                    filter.add(rs.getString(2));
                    return 0;
                }).forEach(x -> { });
        return filter;
    }

    /**
     * Of a chunk's addresses (with their {@link #key}s), those the filter may have held before this call, in their
     * order: the ones the chunk must look up. All of them are then added, under the one lock the import's writers share.
     * Adding before the chunk is written is safe: an address that turns out not to be stored only costs a later
     * chunk naming it a lookup.
     */
    synchronized List<String> mayHoldThenAdd(List<String> addresses, long[] keys) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            if (mightHold(keys[i])) {
                out.add(addresses.get(i));
            }
        }
        for (long k : keys) {
            add(k);
        }
        return out;
    }

    synchronized void add(String address) {
        if (address != null) {
            add(key(address));
        }
    }

    /** False only for an address no contact of the tenant had when this was made and that was not added since. */
    synchronized boolean mightHold(String address) {
        return mightHold(key(address));
    }

    private void add(long key) {
        int block = Math.floorMod((int) key, blocks) * BLOCK;
        long positions = mix(key + 0x9e3779b97f4a7c15L);
        for (int i = 0; i < HASHES; i++, positions >>>= 9) {
            int bit = (int) (positions & 511);
            bits[block + (bit >>> 6)] |= 1L << bit;
        }
    }

    private boolean mightHold(long key) {
        int block = Math.floorMod((int) key, blocks) * BLOCK;
        long positions = mix(key + 0x9e3779b97f4a7c15L);
        for (int i = 0; i < HASHES; i++, positions >>>= 9) {
            int bit = (int) (positions & 511);
            if ((bits[block + (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * An address's 64-bit key, never 0: computed once per address on an import's reading thread, it places the
     * address in this filter and routes its row ({@code ImportRun}). Two addresses may share a key, which costs at
     * most a lookup or a row routed to another writer, never a wrong merge.
     */
    static long key(String address) {
        long k = hash(address);
        return k == 0 ? 1 : k;
    }

    /** 64-bit FNV-1a over the UTF-16 code units (no copy of the string), then mixed. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** SplitMix64's finaliser: every bit of the result depends on every bit of {@code h}. */
    private static long mix(long h) {
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
