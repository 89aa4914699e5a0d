package dev.parley.contacts;

import java.util.Objects;

/**
 * A map from addresses (phones, emails) to values, found by the address's {@link AddressFilter#key} computed once on
 * an import's reading thread: open addressing over an array of keys (linear probing, removal by backward shift), so
 * that a probe for an address not in the map — the common case in an import — reads one array and never the string.
 * Keys of two different addresses may be equal; the address then tells them apart. {@code HashMap<String, …>} here was
 * a fifth of the reading thread's and of the writers' time (JFR): hashing strings and chasing their nodes. Key 0 is
 * not a key (an empty slot); not thread-safe.
 */
final class AddressMap<V> {
    private long[] keys = new long[1 << 10];
    private String[] addresses = new String[1 << 10];
    private Object[] values = new Object[1 << 10];
    private int size;

    /** The value of {@code address} (whose key is {@code key}), or null. */
    @SuppressWarnings("unchecked")
    V get(long key, String address) {
        int at = find(key, address);
        return at < 0 ? null : (V) values[at];
    }

    void put(long key, String address, V value) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != 0 && !(keys[i] == key && addresses[i].equals(address))) {
            i = (i + 1) & mask;
        }
        values[i] = value;
        if (keys[i] == 0) {
            keys[i] = key;
            addresses[i] = address;
            if (++size > keys.length / 2) {
                grow();
            }
        }
    }

    /** Removes {@code address} if its value equals {@code value}, or whatever its value when {@code value} is null. */
    void remove(long key, String address, V value) {
        int at = find(key, address);
        if (at < 0 || (value != null && !Objects.equals(values[at], value))) {
            return;
        }
        size--;
        int mask = keys.length - 1;
        // Backward shift: move up every later entry of the run whose home slot lies at or before the freed one.
        int free = at;
        for (int j = (at + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            if (((j - home) & mask) >= ((j - free) & mask)) {
                keys[free] = keys[j];
                addresses[free] = addresses[j];
                values[free] = values[j];
                free = j;
            }
        }
        keys[free] = 0;
        addresses[free] = null;
        values[free] = null;
    }

    int size() {
        return size;
    }

    private int find(long key, String address) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key && addresses[i].equals(address)) {
                return i;
            }
        }
        return -1;
    }

    private void grow() {
        long[] oldKeys = keys;
        String[] oldAddresses = addresses;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        addresses = new String[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int k = 0; k < oldKeys.length; k++) {
            if (oldKeys[k] != 0) {
                int i = slot(oldKeys[k], mask);
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[k];
                addresses[i] = oldAddresses[k];
                values[i] = oldValues[k];
            }
        }
    }

    /**
     * The key's home slot in a table of {@code mask + 1} slots: its high bits (the address filter places addresses by
     * the low ones). Also {@code ImportRun.InFlight}'s.
     */
    static int slot(long key, int mask) {
        return (int) (key >>> 32) & mask;
    }
}
