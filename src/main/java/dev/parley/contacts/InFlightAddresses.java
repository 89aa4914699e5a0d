package dev.parley.contacts;

/**
 * The addresses of an import's chunks in flight, by their {@link AddressFilter#key}, each with the tag of the chunk
 * that named it last: a map of longs by open addressing (linear probing, removal by backward shift), because a
 * {@code HashMap<String, Long>} here was a fifth of the reading thread's time. Key 0 means an empty slot; keys are
 * never 0. Not thread-safe: the reading thread alone uses it.
 */
final class InFlightAddresses {
    private long[] keys = new long[1 << 14];
    private long[] tags = new long[1 << 14];
    private int size;

    /** The tag of {@code key}, or -1 when it is not in flight. */
    long tagOf(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return tags[i];
            }
        }
        return -1;
    }

    void put(long key, long tag) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        tags[i] = tag;
        if (keys[i] == 0) {
            keys[i] = key;
            if (++size > keys.length / 2) {
                grow();
            }
        }
    }

    /** Removes {@code key} if its tag is still {@code tag} (no later chunk has claimed it). */
    void remove(long key, long tag) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != key) {
            if (keys[i] == 0) {
                return;
            }
            i = (i + 1) & mask;
        }
        if (tags[i] != tag) {
            return;
        }
        size--;
        // Backward shift: move up every later key of the run that may sit at or before the freed slot.
        int free = i;
        for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            if (((j - home) & mask) >= ((j - free) & mask)) {
                keys[free] = keys[j];
                tags[free] = tags[j];
                free = j;
            }
        }
        keys[free] = 0;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldTags = tags;
        keys = new long[oldKeys.length * 2];
        tags = new long[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int k = 0; k < oldKeys.length; k++) {
            if (oldKeys[k] != 0) {
                int i = slot(oldKeys[k], mask);
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[k];
                tags[i] = oldTags[k];
            }
        }
    }

    /** The key's home slot: its high bits (the filter places addresses by the low ones). */
    private static int slot(long key, int mask) {
        return (int) (key >>> 32) & mask;
    }
}
