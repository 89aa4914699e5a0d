package dev.parley.contacts;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
 *
 * <p>Validity is libphonenumber's {@link PhoneNumberUtil#isValidNumber}, asked more cheaply where a
 * calling code is shared by several regions ({@link #isValid}): the one thing not to change there is the
 * order of regions, which decides the answer.
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

    /**
     * Calling code → the region that {@code isValidNumber} tries first, when the code is shared and that
     * region has no leading-digits rule (empty otherwise).
     */
    private static final ConcurrentHashMap<Integer, Optional<String>> FIRST_REGION = new ConcurrentHashMap<>();

    /** A region's calling code and national prefix, which libphonenumber looks up by building a file name on every call. */
    private record Region(int countryCode, String nationalPrefix) {
        static Region of(String region) {
            return new Region(UTIL.getCountryCodeForRegion(region), UTIL.getNddPrefixForRegion(region, true));
        }
    }

    private static final ConcurrentHashMap<String, Region> REGIONS = new ConcurrentHashMap<>();

    private PhoneNumbers() {}

    /**
     * Exactly {@link PhoneNumberUtil#isValidNumber}, which for a calling code shared by several regions
     * (+1, +44, +7, …) first finds the number's region by running each region's number-type patterns in
     * turn, then runs the chosen region's patterns again. When the first region of the list has no
     * leading-digits rule and finds the number valid, it is the region {@code isValidNumber} would choose,
     * and its answer is the answer: one run of its patterns instead of two. Otherwise the library decides.
     * {@code PhoneNumbersTest} compares the two over generated numbers of every region.
     */
    static boolean isValid(Phonenumber.PhoneNumber number) {
        String first = FIRST_REGION.computeIfAbsent(number.getCountryCode(), PhoneNumbers::firstRegion).orElse(null);
        if (first != null && UTIL.isValidNumberForRegion(number, first)) {
            return true;
        }
        return UTIL.isValidNumber(number);
    }

    private static Optional<String> firstRegion(int countryCode) {
        List<String> regions = UTIL.getRegionCodesForCountryCode(countryCode);
        if (regions.size() < 2) {
            return Optional.empty();
        }
        var metadata = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource()
                .getMetadataForRegion(regions.get(0));
        return metadata == null || metadata.hasLeadingDigits() ? Optional.empty() : Optional.of(regions.get(0));
    }

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
            if (isValid(number)) {
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
            Region r = REGIONS.computeIfAbsent(region, Region::of);
            national = digits.toString();
            if (r.nationalPrefix() != null && !r.nationalPrefix().isEmpty() && national.startsWith(r.nationalPrefix())) {
                national = national.substring(r.nationalPrefix().length());
            }
            countryCode = r.countryCode();
        }
        if (national.isEmpty() || national.charAt(0) == '0' || national.length() > 15) {
            return null;
        }
        Phonenumber.PhoneNumber number = new Phonenumber.PhoneNumber()
                .setCountryCode(countryCode).setNationalNumber(Long.parseLong(national));
        return isValid(number) ? "+" + countryCode + national : null;
    }
}
