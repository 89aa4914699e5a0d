package dev.parley.db;

/**
 * Text placed inside a {@code LIKE} pattern written with {@code ESCAPE '!'}: Parley's one escape character, as a
 * backslash would confuse Jdbi's parser of quoted text. H2 and PostgreSQL read it alike.
 */
public final class LikePatterns {
    private LikePatterns() {}

    /** {@code text} with {@code !}, {@code %} and {@code _} escaped, to match itself literally. */
    public static String escape(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
