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
        String local = s.substring(0, at);
        String domain = s.substring(at + 1);
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..") || !validDomain(domain)) {
            return Checked.bad("email '" + raw.strip() + "' is not a valid address");
        }
        return Checked.ok(s);
    }

    private static boolean validDomain(String domain) {
        if (domain.length() > 253 || domain.indexOf('.') < 0) {
            return false;
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }
}
