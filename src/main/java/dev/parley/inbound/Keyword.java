package dev.parley.inbound;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The compliance keywords carriers require (CTIA in the US, the MNOs' codes elsewhere): a reply that is
 * just one of these words, in any case and with surrounding spaces or punctuation, is a command, not a
 * conversation. "Stop sending me these" is a conversation; "STOP" and "stop." are commands.
 */
enum Keyword {
    /** Suppress the sender on this channel and confirm once. */
    STOP(Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT")),
    /** Lift the suppression: the person opts in again. */
    START(Set.of("START", "UNSTOP", "YES")),
    /** Answer with the tenant's help text. */
    HELP(Set.of("HELP", "INFO"));

    private final Set<String> words;

    Keyword(Set<String> words) {
        this.words = words;
    }

    static Optional<Keyword> of(String text) {
        if (text == null || text.length() > 40) {
            return Optional.empty();
        }
        String word = text.strip().replaceAll("^[\\p{Punct}\\s]+|[\\p{Punct}\\s]+$", "").toUpperCase(Locale.ROOT);
        for (Keyword k : values()) {
            if (k.words.contains(word)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
