package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
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
}
