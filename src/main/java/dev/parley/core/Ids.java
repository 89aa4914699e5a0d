package dev.parley.core;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Opaque, time-ordered ids with a type prefix ({@code usr_01JD…}). The part after the prefix is
 * 26 Crockford base-32 characters: 48 bits of milliseconds then 80 random bits, so ids sort by
 * creation time and string order equals creation order: within one millisecond a process makes each id the
 * previous one plus one (as monotonic ULIDs do), so ids made in a row sort in the order they were made.
 * Ids are not secrets (79 random bits make them unguessable across milliseconds, not within one).
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String next(String prefix) {
        return next(prefix, Clock.systemUTC());
    }

    private static final long FORTY_BITS = (1L << 40) - 1;
    private static long lastMillis = -1;
    private static long lastHi;
    private static long lastLo;

    public static String next(String prefix, Clock clock) {
        long millis = clock.millis();
        long hi;
        long lo;
        synchronized (Ids.class) {
            if (millis == lastMillis) {
                // Same millisecond as the last id of this process: the next value up, so ids made one after
                // another still sort in the order they were made (newest-first pages rely on it).
                lo = (lastLo + 1) & FORTY_BITS;
                hi = lo == 0 ? (lastHi + 1) & FORTY_BITS : lastHi;
            } else {
                byte[] random = new byte[10];
                RANDOM.nextBytes(random);
                // 80 random bits; the top one cleared so that increments within a millisecond never wrap.
                hi = ((random[0] & 0x7FL) << 32) | ((random[1] & 0xFFL) << 24) | ((random[2] & 0xFFL) << 16)
                        | ((random[3] & 0xFFL) << 8) | (random[4] & 0xFFL);
                lo = ((random[5] & 0xFFL) << 32) | ((random[6] & 0xFFL) << 24) | ((random[7] & 0xFFL) << 16)
                        | ((random[8] & 0xFFL) << 8) | (random[9] & 0xFFL);
            }
            lastMillis = millis;
            lastHi = hi;
            lastLo = lo;
        }
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return prefix + "_" + new String(out);
    }

    /** True when {@code id} has the given prefix and a well-formed body; anything else cannot exist. */
    public static boolean looksLike(String prefix, String id) {
        if (id == null || id.length() != prefix.length() + 27 || !id.startsWith(prefix + "_")) {
            return false;
        }
        for (int i = prefix.length() + 1; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
