package dev.parley.contacts;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

/**
 * Phone numbers to E.164 with libphonenumber: {@code "07911 123456"} in region GB and
 * {@code "+44 7911 123456"} both become {@code +447911123456}. Only numbers libphonenumber calls
 * <em>valid</em> (a real range for the country, not just a plausible length) are accepted.
 *
 * <p>Imports normalise millions of numbers, and libphonenumber's general parser costs several
 * microseconds each, so plain inputs (digits with spaces, dashes, dots, brackets; an optional leading
 * {@code +}; a national prefix of a region whose metadata has no special parsing rule) take a fast path
 * that builds the number directly and still asks libphonenumber whether it is valid. Anything else, and
 * anything the fast path finds invalid, goes through {@link PhoneNumberUtil#parse}, so the fast path can
 * only ever accept what the full parser would.
 */
public final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final int MAX_RAW = 40;
    /**
     * Regions whose national numbers are read by stripping nothing but the one national prefix (no
     * carrier codes or other parsing rules in libphonenumber's metadata); {@code PhoneNumbersTest} checks
     * the fast path against the full parser for each.
     */
    static final java.util.Set<String> PLAIN_NATIONAL_PREFIX = java.util.Set.of(
            "GB", "US", "CA", "NG", "IE", "FR", "DE", "NL", "ES", "ZA", "KE", "GH", "SE");

    private PhoneNumbers() {}

    /** True when {@code region} is a region libphonenumber knows ({@code GB}, {@code NG}, {@code US}, …). */
    public static boolean knownRegion(String region) {
        return region != null && UTIL.getSupportedRegions().contains(region);
    }

    /** {@code raw} in E.164, reading national numbers as in {@code region} (may be null: then a + is needed). */
    public static Checked toE164(String raw, String region) {
        if (raw == null || raw.isBlank()) {
            return Checked.bad("phone is empty");
        }
        if (raw.length() > MAX_RAW) {
            return Checked.bad("phone is longer than " + MAX_RAW + " characters");
        }
        String fast = fastPath(raw, region);
        if (fast != null) {
            return Checked.ok(fast);
        }
        try {
            Phonenumber.PhoneNumber number = UTIL.parse(raw, region == null ? "ZZ" : region);
            if (UTIL.isValidNumber(number)) {
                return Checked.ok(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
            }
            return Checked.bad(region == null
                    ? "phone '" + raw.strip() + "' is not a valid number"
                    : "phone '" + raw.strip() + "' is not a valid number (read as region " + region + ")");
        } catch (NumberParseException e) {
            return Checked.bad(switch (e.getErrorType()) {
                case INVALID_COUNTRY_CODE -> region == null
                        ? "phone '" + raw.strip() + "' has no country code; give it as +CC… or set a region"
                        : "phone '" + raw.strip() + "' has an unknown country code";
                case NOT_A_NUMBER -> "phone '" + raw.strip() + "' is not a phone number";
                case TOO_SHORT_NSN, TOO_SHORT_AFTER_IDD -> "phone '" + raw.strip() + "' is too short";
                case TOO_LONG -> "phone '" + raw.strip() + "' is too long";
            });
        }
    }

    private static String fastPath(String raw, String region) {
        StringBuilder digits = new StringBuilder(16);
        boolean plus = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c == '+' && digits.isEmpty() && !plus) {
                plus = true;
            } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/' && c != '\u00A0') {
                return null;
            }
        }
        if (digits.length() < 4 || digits.length() > 17) {
            return null;
        }
        int countryCode;
        String national;
        if (plus) {
            countryCode = 0;
            national = null;
            for (int len = 1; len <= 3; len++) {
                int cc = Integer.parseInt(digits.substring(0, len));
                if (!"ZZ".equals(UTIL.getRegionCodeForCountryCode(cc))) {
                    countryCode = cc;
                    national = digits.substring(len);
                    break;
                }
            }
            if (national == null) {
                return null;
            }
        } else {
            if (region == null) {
                return null;
            }
            if (!PLAIN_NATIONAL_PREFIX.contains(region)) {
                return null;
            }
            String prefix = UTIL.getNddPrefixForRegion(region, true);
            national = digits.toString();
            if (prefix != null && !prefix.isEmpty() && national.startsWith(prefix)) {
                national = national.substring(prefix.length());
            }
            countryCode = UTIL.getCountryCodeForRegion(region);
        }
        if (national.isEmpty() || national.charAt(0) == '0' || national.length() > 15) {
            return null;
        }
        Phonenumber.PhoneNumber number = new Phonenumber.PhoneNumber()
                .setCountryCode(countryCode).setNationalNumber(Long.parseLong(national));
        return UTIL.isValidNumber(number) ? "+" + countryCode + national : null;
    }
}
