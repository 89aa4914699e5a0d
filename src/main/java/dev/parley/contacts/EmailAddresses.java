package dev.parley.contacts;

import java.util.Locale;

/**
 * Email addresses as Parley stores them: trimmed, a surrounding {@code <…>} removed, and lowercased
 * whole. Lowercasing the local part is not guaranteed safe by RFC 5321, but no mainstream mailbox
 * provider distinguishes case there, and without it {@code Ann@x.com} and {@code ann@x.com} would be two
 * contacts (docs/contacts.md). The syntax check is deliberately practical: one {@code @}, a local part of
 * 1–64 characters without spaces, a domain of dot-separated labels with at least one dot.
 */
public final class EmailAddresses {
    private EmailAddresses() {}

    public static Checked normalise(String raw) {
        if (raw == null || raw.isBlank()) {
            return Checked.bad("email is empty");
        }
        String s = raw.strip();
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1).strip();
        }
        if (s.length() > 320) {
            return Checked.bad("email is longer than 320 characters");
        }
        s = s.toLowerCase(Locale.ROOT);
        int at = s.indexOf('@');
        if (at <= 0 || at != s.lastIndexOf('@') || at > 64 || at == s.length() - 1) {
            return Checked.bad("email '" + raw.strip() + "' is not a valid address");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == ',' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')' || c == '"' || c == '\\'
                    || c == '[' || c == ']' || c == 0x7F) {
                return Checked.bad("email '" + raw.strip() + "' is not a valid address");
            }
        }
        if (s.charAt(0) == '.' || s.charAt(at - 1) == '.' || s.lastIndexOf("..", at) >= 0 || !validDomain(s, at + 1)) {
            return Checked.bad("email '" + raw.strip() + "' is not a valid address");
        }
        return Checked.ok(s);
    }

    /**
     * Whether {@code s} from {@code from} on is a domain: at most 253 characters, at least two dot-separated labels,
     * each of 1–63 letters, digits or hyphens, not starting or ending with a hyphen. Reads the characters in place (an
     * import checks a million of these).
     */
    private static boolean validDomain(String s, int from) {
        int end = s.length();
        if (end - from > 253 || s.indexOf('.', from) < 0) {
            return false;
        }
        int labelStart = from;
        for (int i = from; i <= end; i++) {
            if (i == end || s.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0 || length > 63 || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else {
                char c = s.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }
}
