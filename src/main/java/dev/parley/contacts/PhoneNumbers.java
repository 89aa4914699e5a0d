package dev.parley.contacts;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonenumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Phone numbers to E.164 with libphonenumber: {@code "07911 123456"} in region GB and
 * {@code "+44 7911 123456"} both become {@code +447911123456}. Only numbers libphonenumber calls
 * <em>valid</em> (a real range for the country, not just a plausible length) are accepted.
 *
 * <p>Imports normalise millions of numbers, and libphonenumber's general parser costs several
 * microseconds each, so plain inputs (digits with spaces, dashes, dots, brackets; an optional leading
 * {@code +}; a national prefix of a region whose metadata has no special parsing rule) take a fast path
 * that builds the number directly and still checks it is valid as libphonenumber defines it. Anything
 * else, and anything the fast path finds invalid, goes through {@link PhoneNumberUtil#parse}, so the fast
 * path can only ever accept what the full parser would.
 *
 * <p>Validity is libphonenumber's {@link PhoneNumberUtil#isValidNumber}, asked more cheaply
 * ({@link #isValid}): a region's check runs as a deterministic automaton compiled once from the library's
 * metadata ({@link ValidNationalNumbers}) instead of the library's regular expressions, which cost a
 * {@code Matcher} per pattern per number; and where a calling code is shared by several regions, the
 * one thing not to change is the order of regions, which decides the answer.
 */
public final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final int MAX_RAW = 40;
    /** More digits than this are left to libphonenumber (E.164 has at most 15, plus a trunk or international prefix). */
    private static final int MAX_FAST_DIGITS = 17;
    /** libphonenumber's region code for calling codes of no country (+800, +882, …). */
    private static final String NON_GEOGRAPHIC = "001";
    /**
     * Regions whose national numbers are read by stripping nothing but the one national prefix (no
     * carrier codes or other parsing rules in libphonenumber's metadata); {@code PhoneNumbersTest} checks
     * the fast path against the full parser for each.
     */
    static final java.util.Set<String> PLAIN_NATIONAL_PREFIX = java.util.Set.of(
            "GB", "US", "CA", "NG", "IE", "FR", "DE", "NL", "ES", "ZA", "KE", "GH", "SE");

    /** Where libphonenumber keeps its metadata: the same files {@link PhoneNumberUtil} reads. */
    private static final MetadataSource METADATA =
            DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();

    /**
     * Calling code (1 to 999) → how {@link #isValid} answers for it, made on first use. An array, not a
     * map keyed by {@code Integer}, so that the lookup allocates nothing.
     */
    private static final AtomicReferenceArray<CallingCode> CALLING_CODES = new AtomicReferenceArray<>(1000);

    /**
     * The region {@code isValidNumber} tries first, compiled, when it is the calling code's only region or
     * has no leading-digits rule (null otherwise: the library chooses); and whether it is the only one.
     */
    private record CallingCode(ValidNationalNumbers firstRegion, boolean onlyRegion) {}

    /** A region's calling code and national prefix, which libphonenumber looks up by building a file name on every call. */
    private record Region(int countryCode, String nationalPrefix) {
        static Region of(String region) {
            return new Region(UTIL.getCountryCodeForRegion(region), UTIL.getNddPrefixForRegion(region, true));
        }
    }

    private static final ConcurrentHashMap<String, Region> REGIONS = new ConcurrentHashMap<>();

    private PhoneNumbers() {}

    /**
     * Exactly {@link PhoneNumberUtil#isValidNumber}, which finds the number's region and then runs that
     * region's number-type patterns. For a calling code of one region, that region's answer is the answer.
     * For one shared by several (+1, +44, +7, …) the library first finds the region by running each
     * region's patterns in turn; when the first region of the list has no leading-digits rule and finds the
     * number valid, it is the region {@code isValidNumber} would choose, and its answer is the answer.
     * Otherwise the library decides. {@code PhoneNumbersTest} compares the two over generated numbers of
     * every region.
     */
    static boolean isValid(Phonenumber.PhoneNumber number) {
        int code = number.getCountryCode();
        CallingCode callingCode = code > 0 && code < CALLING_CODES.length() ? callingCode(code) : null;
        if (callingCode == null || callingCode.firstRegion() == null) {
            return UTIL.isValidNumber(number);
        }
        if (callingCode.firstRegion().test(number)) {
            return true;
        }
        return !callingCode.onlyRegion() && UTIL.isValidNumber(number);
    }

    private static CallingCode callingCode(int code) {
        CallingCode known = CALLING_CODES.get(code);
        return known != null ? known : compileCallingCode(code);
    }

    /** Synchronized so that each region's automaton is built once; later lookups take no lock. */
    private static synchronized CallingCode compileCallingCode(int code) {
        CallingCode known = CALLING_CODES.get(code);
        if (known != null) {
            return known;
        }
        List<String> regions = UTIL.getRegionCodesForCountryCode(code);
        CallingCode compiled = new CallingCode(null, false);
        if (!regions.isEmpty()) {
            String first = regions.get(0);
            PhoneMetadata metadata = metadata(code, first);
            boolean onlyRegion = regions.size() == 1;
            if (metadata != null && (onlyRegion || !metadata.hasLeadingDigits())) {
                compiled = new CallingCode(ValidNationalNumbers.of(first, metadata), onlyRegion);
            }
        }
        CALLING_CODES.set(code, compiled);
        return compiled;
    }

    /** The metadata libphonenumber validates {@code region}'s numbers with ("001": the calling code's). */
    static PhoneMetadata metadata(int callingCode, String region) {
        return NON_GEOGRAPHIC.equals(region)
                ? METADATA.getMetadataForNonGeographicalRegion(callingCode)
                : METADATA.getMetadataForRegion(region);
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
        char[] digits = new char[MAX_FAST_DIGITS];
        int n = 0;
        boolean plus = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                if (n == MAX_FAST_DIGITS) {
                    return null;
                }
                digits[n++] = c;
            } else if (c == '+' && n == 0 && !plus) {
                plus = true;
            } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/' && c != '\u00A0') {
                return null;
            }
        }
        if (n < 4) {
            return null;
        }
        int countryCode;
        String national;
        if (plus) {
            countryCode = 0;
            national = null;
            int cc = 0;
            for (int len = 1; len <= 3; len++) {
                cc = cc * 10 + (digits[len - 1] - '0');
                if (!"ZZ".equals(UTIL.getRegionCodeForCountryCode(cc))) {
                    countryCode = cc;
                    national = new String(digits, len, n - len);
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
            national = new String(digits, 0, n);
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
