package dev.parley.templates;

/**
 * The GSM 03.38 (3GPP TS 23.038) default alphabet: which characters fit in 7-bit SMS and how many septets
 * each takes. The basic table's 127 printable characters take one septet; the extension table's
 * ({@code ^ { } \ [ ~ ] | €} and form feed) take two, an escape and the character.
 *
 * <p>What a reader could get wrong: the alphabet is not Latin-1. {@code é è ù ì ò} are in it, but
 * {@code á í ó ú ç} are not (only capital {@code Ç} is); capital Greek {@code ΔΦΓΛΩΠΨΣΘΞ} are in it,
 * lower-case Greek is not; the escape code itself (U+001B) is not a character one can send.
 */
final class Gsm7 {
    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u0000ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String EXTENSION = "\f^{}\\[~]|€";
    /** Septets per UTF-16 char: 0 not in the alphabet, 1 basic table, 2 extension table. */
    private static final byte[] SEPTETS = new byte[Character.MAX_VALUE + 1];

    static {
        for (int i = 0; i < BASIC.length(); i++) {
            SEPTETS[BASIC.charAt(i)] = 1;
        }
        SEPTETS[0] = 0; // the placeholder for the escape code at 0x1B
        for (int i = 0; i < EXTENSION.length(); i++) {
            SEPTETS[EXTENSION.charAt(i)] = 2;
        }
    }

    private Gsm7() {}

    /** 1 or 2 septets, or 0 when {@code c} is not in the GSM-7 alphabet (surrogates never are). */
    static int septets(char c) {
        return SEPTETS[c];
    }

    static boolean encodes(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (SEPTETS[text.charAt(i)] == 0) {
                return false;
            }
        }
        return true;
    }
}
