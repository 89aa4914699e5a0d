package dev.parley.tenancy;

/**
 * How personal data looks to an agent (SPEC §2): {@code +44*******89}, {@code j***@example.com}.
 * Apply it where an answer is built, never to stored data.
 */
public final class Masking {
    private Masking() {}

    /** Keeps the plus and first two digits and the last two digits; numbers too short for that are masked whole. */
    public static String phone(String e164) {
        if (e164 == null) {
            return null;
        }
        if (e164.length() < 8) {
            return "*".repeat(e164.length());
        }
        int keepStart = 3;
        int keepEnd = 2;
        return e164.substring(0, keepStart)
                + "*".repeat(e164.length() - keepStart - keepEnd)
                + e164.substring(e164.length() - keepEnd);
    }

    /** Keeps the first character of the local part and the whole domain. */
    public static String email(String email) {
        if (email == null) {
            return null;
        }
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }
}
