package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PhoneNumbersTest {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    @Test
    void nationalAndInternationalFormsBecomeE164() {
        assertThat(PhoneNumbers.toE164("07911 123456", "GB").value()).isEqualTo("+447911123456");
        assertThat(PhoneNumbers.toE164("0803 123 4567", "NG").value()).isEqualTo("+2348031234567");
        assertThat(PhoneNumbers.toE164("07911 123456", null).problem()).contains("no country code");
        assertThat(PhoneNumbers.toE164("hello", "GB").problem()).contains("not a phone number");
    }

    /** The fast path may only ever accept what libphonenumber's full parser accepts, with the same result. */
    @Test
    void fastPathAgreesWithTheFullParser() throws Exception {
        Random random = new Random(3);
        for (String region : PhoneNumbers.PLAIN_NATIONAL_PREFIX) {
            String ndd = UTIL.getNddPrefixForRegion(region, true);
            for (int i = 0; i < 3000; i++) {
                StringBuilder digits = new StringBuilder(ndd == null ? "" : ndd);
                int length = 6 + random.nextInt(7);
                for (int d = 0; d < length; d++) {
                    digits.append(random.nextInt(10));
                }
                String raw = random.nextBoolean() ? digits.toString() : "+" + UTIL.getCountryCodeForRegion(region) + digits.substring(ndd == null ? 0 : ndd.length());
                Checked ours = PhoneNumbers.toE164(raw, region);
                String theirs;
                try {
                    var n = UTIL.parse(raw, region);
                    theirs = UTIL.isValidNumber(n) ? UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164) : null;
                } catch (Exception e) {
                    theirs = null;
                }
                assertThat(ours.value()).as(region + " " + raw).isEqualTo(theirs);
            }
        }
    }

    /**
     * {@code isValid} answers exactly as libphonenumber's {@code isValidNumber}: over numbers made from every
     * region's example numbers of every type, with their last one to seven digits replaced at random and
     * their length changed by up to two, so that most land near real ranges (valid and invalid alike) of
     * shared calling codes (+1, +44, +7, +61, …) and of single-region ones.
     */
    @Test
    void isValidAgreesWithTheLibraryEverywhere() {
        Random random = new Random(11);
        long valid = 0;
        long compared = 0;
        for (String region : UTIL.getSupportedRegions()) {
            for (PhoneNumberUtil.PhoneNumberType type : PhoneNumberUtil.PhoneNumberType.values()) {
                Phonenumber.PhoneNumber example = UTIL.getExampleNumberForType(region, type);
                if (example == null) {
                    continue;
                }
                String nsn = UTIL.getNationalSignificantNumber(example);
                for (int i = 0; i < 250; i++) {
                    int keep = Math.max(1, nsn.length() - 1 - random.nextInt(7));
                    int length = Math.max(keep, nsn.length() + random.nextInt(5) - 2);
                    StringBuilder digits = new StringBuilder(nsn.substring(0, keep));
                    while (digits.length() < length) {
                        digits.append(random.nextInt(10));
                    }
                    if (digits.length() > 17) {
                        continue;
                    }
                    Phonenumber.PhoneNumber n = new Phonenumber.PhoneNumber().setCountryCode(example.getCountryCode())
                            .setNationalNumber(Long.parseLong(digits.toString()));
                    if (example.hasItalianLeadingZero() && digits.charAt(0) == '0') {
                        n.setItalianLeadingZero(true).setNumberOfLeadingZeros(example.getNumberOfLeadingZeros());
                    }
                    boolean theirs = UTIL.isValidNumber(n);
                    assertThat(PhoneNumbers.isValid(n)).as(region + " " + type + " +" + n.getCountryCode() + " " + digits).isEqualTo(theirs);
                    valid += theirs ? 1 : 0;
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(300_000);
        assertThat(valid).as("valid numbers among the compared").isBetween(compared / 5, compared * 4 / 5);
    }
}
