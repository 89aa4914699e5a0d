package dev.parley.delivery;

import java.util.Optional;

/** What happens after an ambiguous attempt (SPEC §4). */
public enum Guarantee {
    /** Reaches the provider at most once: an ambiguous attempt settles as {@code unknown}, never resent automatically. */
    AT_MOST_ONCE("atMostOnce"),
    /** Never lost: an ambiguous attempt goes back to {@code queued}; the provider may see it twice. */
    AT_LEAST_ONCE("atLeastOnce");

    private final String wire;

    Guarantee(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Guarantee> parse(String value) {
        for (Guarantee g : values()) {
            if (g.wire.equals(value)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}
