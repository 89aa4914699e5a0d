package dev.parley.templates;

import java.util.Map;

/**
 * Picks an SMS text's encoding and counts its segments, and optionally swaps typographic look-alikes for
 * GSM-7 characters so a message does not fall into UCS-2 for one curly quote.
 *
 * <p>Rules: GSM-7 when every character is in {@link Gsm7}, else UCS-2. One segment holds 160 septets
 * (GSM-7) or 70 UTF-16 code units (UCS-2); a longer message is sent as parts of 153 or 67, because each
 * part carries a 6-byte concatenation header. A part never ends in the middle of an escape pair (GSM-7)
 * or of a surrogate pair (UCS-2): that character moves to the next part, so a message can need one
 * segment more than its length divided by 153 or 67 suggests.
 *
 * <p>Smart encoding only ever changes a text when the change makes the whole text GSM-7; a text that needs
 * UCS-2 anyway (an emoji, Arabic, lower-case Greek) is sent as written. Letters are never changed
 * ({@code á} stays {@code á}): only punctuation and spaces that look the same.
 */
public final class SmsEncoding {
    static final int GSM7_SINGLE = 160;
    static final int GSM7_PART = 153;
    static final int UCS2_SINGLE = 70;
    static final int UCS2_PART = 67;

    /** Look-alike replacements; an empty string removes an invisible character. */
    private static final Map<Character, String> LOOK_ALIKES = Map.ofEntries(
            Map.entry('\u2018', "'"), Map.entry('\u2019', "'"), Map.entry('\u201A', "'"), Map.entry('\u201B', "'"),
            Map.entry('\u2032', "'"), Map.entry('\u00B4', "'"), Map.entry('\u0060', "'"),
            Map.entry('\u201C', "\""), Map.entry('\u201D', "\""), Map.entry('\u201E', "\""), Map.entry('\u201F', "\""),
            Map.entry('\u2033', "\""), Map.entry('\u00AB', "\""), Map.entry('\u00BB', "\""),
            Map.entry('\u2039', "<"), Map.entry('\u203A', ">"),
            Map.entry('\u2010', "-"), Map.entry('\u2011', "-"), Map.entry('\u2012', "-"), Map.entry('\u2013', "-"),
            Map.entry('\u2014', "-"), Map.entry('\u2015', "-"), Map.entry('\u2212', "-"),
            Map.entry('\u2026', "..."), Map.entry('\u2022', "-"), Map.entry('\u02C6', "^"), Map.entry('\u02DC', "~"),
            Map.entry('\u2044', "/"), Map.entry('\u2215', "/"), Map.entry('\u2217', "*"), Map.entry('\u00A6', "|"),
            Map.entry('\u00A0', " "), Map.entry('\u2000', " "), Map.entry('\u2001', " "), Map.entry('\u2002', " "),
            Map.entry('\u2003', " "), Map.entry('\u2004', " "), Map.entry('\u2005', " "), Map.entry('\u2006', " "),
            Map.entry('\u2007', " "), Map.entry('\u2008', " "), Map.entry('\u2009', " "), Map.entry('\u200A', " "),
            Map.entry('\u202F', " "), Map.entry('\u205F', " "), Map.entry('\u3000', " "), Map.entry('\t', " "),
            Map.entry('\u00AD', ""), Map.entry('\u200B', ""), Map.entry('\u2060', ""), Map.entry('\uFEFF', ""));

    private SmsEncoding() {}

    public static SmsCount count(String text) {
        return Gsm7.encodes(text) ? countGsm7(text) : countUcs2(text);
    }

    /**
     * {@code text} with look-alikes replaced when that makes it GSM-7; otherwise {@code text} itself,
     * unchanged (including when it is GSM-7 already).
     */
    public static String smart(String text) {
        if (Gsm7.encodes(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Gsm7.septets(c) > 0) {
                out.append(c);
                continue;
            }
            String replacement = LOOK_ALIKES.get(c);
            if (replacement == null) {
                return text;
            }
            out.append(replacement);
        }
        return out.toString();
    }

    private static SmsCount countGsm7(String text) {
        int total = 0;
        for (int i = 0; i < text.length(); i++) {
            total += Gsm7.septets(text.charAt(i));
        }
        if (total <= GSM7_SINGLE) {
            return new SmsCount(SmsCount.GSM7, total == 0 ? 0 : 1, total);
        }
        int parts = 1;
        int inPart = 0;
        for (int i = 0; i < text.length(); i++) {
            int width = Gsm7.septets(text.charAt(i));
            if (inPart + width > GSM7_PART) {
                parts++;
                inPart = 0;
            }
            inPart += width;
        }
        return new SmsCount(SmsCount.GSM7, parts, total);
    }

    private static SmsCount countUcs2(String text) {
        int total = text.length();
        if (total <= UCS2_SINGLE) {
            return new SmsCount(SmsCount.UCS2, 1, total);
        }
        int parts = 1;
        int inPart = 0;
        for (int i = 0; i < text.length(); i++) {
            boolean pair = Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            int width = pair ? 2 : 1;
            if (inPart + width > UCS2_PART) {
                parts++;
                inPart = 0;
            }
            inPart += width;
            i += width - 1;
        }
        return new SmsCount(SmsCount.UCS2, parts, total);
    }
}
