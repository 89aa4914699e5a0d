package dev.parley.providers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SMS text as SMPP {@code short_message} octets and back. Text whose every character is in the GSM 03.38
 * default alphabet (with its extension table) goes as GSM-7, {@code data_coding} 0; anything else as
 * UCS-2 (UTF-16BE), {@code data_coding} 8. Text too long for one message is split into concatenated
 * parts, each starting with a 6-octet UDH: IEI 0x00 (8-bit reference), reference, part count, part number.
 *
 * <p>GSM-7 goes <em>unpacked</em>, one septet per octet, as SMPP's {@code data_coding} 0 expects; the SMSC
 * packs it for the air. So one message holds 160 septets and a part 153 (UDH + 153 octets = 159 in
 * {@code short_message}, exactly 140 once packed). UCS-2: 70 characters alone, 67 per part. A part never
 * ends inside a GSM escape pair (€, [, ], {, }, ~, ^, |, \ take two septets) or a UTF-16 surrogate pair,
 * so a part may carry one fewer.
 */
final class SmppText {
    static final byte GSM7 = 0;
    static final byte UCS2 = 8;
    static final int MAX_PARTS = 255;

    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** Extension table: the character and the septet that follows the 0x1B escape. */
    private static final String EXTENDED_CHARS = "\f^{}\\[~]|€";
    private static final byte[] EXTENDED_CODES = {0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65};
    private static final byte ESCAPE = 0x1B;
    private static final Map<Integer, byte[]> TO_GSM = new HashMap<>();
    private static final Map<Integer, Character> FROM_EXTENDED = new HashMap<>();

    static {
        if (BASIC.length() != 128) {
            throw new IllegalStateException("GSM 03.38 basic table has " + BASIC.length() + " entries");
        }
        for (int code = 0; code < 128; code++) {
            if (code != ESCAPE) {
                TO_GSM.put((int) BASIC.charAt(code), new byte[] {(byte) code});
            }
        }
        for (int i = 0; i < EXTENDED_CHARS.length(); i++) {
            TO_GSM.put((int) EXTENDED_CHARS.charAt(i), new byte[] {ESCAPE, EXTENDED_CODES[i]});
            FROM_EXTENDED.put((int) EXTENDED_CODES[i], EXTENDED_CHARS.charAt(i));
        }
    }

    /**
     * The octets to submit: one element when the text fits one message, else the parts, each with its UDH.
     * May hold more than {@link #MAX_PARTS} parts; the caller refuses such a text.
     */
    record Encoded(byte dataCoding, List<byte[]> parts) {
        boolean concatenated() {
            return parts.size() > 1;
        }
    }

    private SmppText() {}

    /** @param reference the concatenation reference (low 8 bits used), the same for all parts of one message */
    static Encoded encode(String text, int reference) {
        List<byte[]> gsm = gsmUnits(text);
        return gsm != null
                ? new Encoded(GSM7, split(gsm, 160, 153, reference))
                : new Encoded(UCS2, split(ucs2Units(text), 140, 134, reference));
    }

    /** True when every character of {@code text} is in the GSM 03.38 default alphabet or its extension. */
    static boolean isGsm7(String text) {
        return gsmUnits(text) != null;
    }

    /**
     * The text of a received {@code short_message}: GSM-7 unpacked for data_coding 0 (and the GSM
     * class groups 0xF0–0xF3), UCS-2 for 8, ASCII for 1, Latin-1 for 3 and anything else. A UDH
     * ({@code udhi}) is skipped.
     */
    static String decode(byte dataCoding, byte[] octets, boolean udhi) {
        int start = udhi && octets.length > 0 ? Math.min(octets.length, (octets[0] & 0xFF) + 1) : 0;
        int dc = dataCoding & 0xFF;
        if (dc == GSM7 || (dc >= 0xF0 && dc <= 0xF3)) {
            return decodeGsm(octets, start);
        }
        return switch (dc) {
            case UCS2 -> new String(octets, start, (octets.length - start) & ~1, StandardCharsets.UTF_16BE);
            case 1 -> new String(octets, start, octets.length - start, StandardCharsets.US_ASCII);
            default -> new String(octets, start, octets.length - start, StandardCharsets.ISO_8859_1);
        };
    }

    /** Each code point's septets (one, or an escape pair), or null when one is outside GSM 03.38. */
    private static List<byte[]> gsmUnits(String text) {
        List<byte[]> units = new ArrayList<>(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            byte[] septets = TO_GSM.get(cp);
            if (septets == null) {
                return null;
            }
            units.add(septets);
            i += Character.charCount(cp);
        }
        return units;
    }

    /** Each code point's UTF-16BE octets: two, or four for a surrogate pair. */
    private static List<byte[]> ucs2Units(String text) {
        List<byte[]> units = new ArrayList<>(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            units.add(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_16BE));
            i += Character.charCount(cp);
        }
        return units;
    }

    /** Packs whole units into one message of {@code single} octets, or into parts of {@code perPart} after a UDH. */
    private static List<byte[]> split(List<byte[]> units, int single, int perPart, int reference) {
        int total = units.stream().mapToInt(u -> u.length).sum();
        if (total <= single) {
            return List.of(join(units, 0, units.size()));
        }
        List<int[]> ranges = new ArrayList<>();
        int from = 0;
        int size = 0;
        for (int i = 0; i < units.size(); i++) {
            if (size + units.get(i).length > perPart) {
                ranges.add(new int[] {from, i});
                from = i;
                size = 0;
            }
            size += units.get(i).length;
        }
        ranges.add(new int[] {from, units.size()});
        List<byte[]> parts = new ArrayList<>(ranges.size());
        for (int p = 0; p < ranges.size(); p++) {
            byte[] body = join(units, ranges.get(p)[0], ranges.get(p)[1]);
            byte[] part = new byte[6 + body.length];
            part[0] = 0x05;
            part[1] = 0x00;
            part[2] = 0x03;
            part[3] = (byte) reference;
            part[4] = (byte) ranges.size();
            part[5] = (byte) (p + 1);
            System.arraycopy(body, 0, part, 6, body.length);
            parts.add(part);
        }
        return parts;
    }

    private static byte[] join(List<byte[]> units, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            out.writeBytes(units.get(i));
        }
        return out.toByteArray();
    }

    private static String decodeGsm(byte[] octets, int start) {
        StringBuilder text = new StringBuilder(octets.length - start);
        for (int i = start; i < octets.length; i++) {
            int code = octets[i] & 0x7F;
            if (code == ESCAPE && i + 1 < octets.length) {
                int next = octets[++i] & 0x7F;
                Character extended = FROM_EXTENDED.get(next);
                text.append(extended != null ? extended : next == ESCAPE ? ' ' : BASIC.charAt(next));
            } else if (code != ESCAPE) {
                text.append(BASIC.charAt(code));
            }
        }
        return text.toString();
    }
}
