package dev.parley.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecipientZonesTest {
    private static final ZoneId FALLBACK = ZoneId.of("America/Los_Angeles");
    private final RecipientZones zones = new RecipientZones();

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # contact timezone | phone            | zone
            Asia/Kolkata       | +447400123456    | Asia/Kolkata
            ' Pacific/Chatham '| -                | Pacific/Chatham
            Mars/Olympus       | +447400123456    | Europe/London
            +05:30             | +447400123456    | Europe/London
            UTC+1              | -                | America/Los_Angeles
            ''                 | +12015550123     | America/New_York
            # GB: a mobile (the data lists London, Guernsey, Jersey, Isle of Man) and a London landline
            -                  | +447400123456    | Europe/London
            -                  | +442079460000    | Europe/London
            # a Guernsey mobile range keeps Guernsey, whose clock is London's
            -                  | +447911123456    | Europe/Guernsey
            # US: area codes carry the zone; an Alaskan number listed as Adak or Anchorage gets Anchorage
            -                  | +12125550123     | America/New_York
            -                  | +14155552671     | America/Los_Angeles
            -                  | +19075551234     | America/Anchorage
            # IN: one zone, under libphonenumber's older name for Asia/Kolkata
            -                  | +919876543210    | Asia/Calcutta
            # AU: a mobile can be anywhere (Sydney); Sydney and Perth landlines; an 08 landline is Adelaide or Perth
            -                  | +61412345678     | Australia/Sydney
            -                  | +61212345678     | Australia/Sydney
            -                  | +61891234567     | Australia/Perth
            # NG, RU (sixteen zones for a mobile), KZ, NZ, BR
            -                  | +2348021234567   | Africa/Lagos
            -                  | +79123456789     | Europe/Moscow
            -                  | +77012345678     | Asia/Almaty
            -                  | +6421123456      | Pacific/Auckland
            -                  | +5511961234567   | America/Sao_Paulo
            # nonsense falls back to the campaign's zone
            -                  | -                | America/Los_Angeles
            -                  | ''               | America/Los_Angeles
            -                  | not a number     | America/Los_Angeles
            -                  | +                | America/Los_Angeles
            -                  | +44              | America/Los_Angeles
            -                  | 447400123456     | America/Los_Angeles
            -                  | +44 7400 123456  | America/Los_Angeles
            -                  | +440000000000    | America/Los_Angeles
            -                  | +999123456789    | America/Los_Angeles
            -                  | +0447400123456   | America/Los_Angeles
            -                  | +12345678901234567890 | America/Los_Angeles
            Not/AZone          | +1-555           | America/Los_Angeles
            """)
    void picksTheContactsZoneThenThePhonesThenTheFallback(String timezone, String phone, String expected) {
        assertThat(zones.zoneFor(timezone, phone, FALLBACK)).isEqualTo(ZoneId.of(expected));
        assertThat(zones.zoneFor(timezone, phone, FALLBACK)).as("cached").isEqualTo(ZoneId.of(expected));
    }

    @Test
    void indiasOldZoneNameRunsKolkatasClock() {
        assertThat(zones.zoneFor(null, "+919876543210", FALLBACK).getRules()).isEqualTo(ZoneId.of("Asia/Kolkata").getRules());
    }

    @Test
    void withNothingToGoOnTheFallbackComesBackEvenWhenNull() {
        assertThat(zones.zoneFor(null, null, null)).isNull();
        assertThat(zones.zoneFor("\u0000", "+\u0000", ZoneId.of("UTC"))).isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void aNumberThatCannotBePlacedIsNeverCachedSoItCannotHideAGoodOneWithTheSameKey() {
        RecipientZones fresh = new RecipientZones();
        String bad = "+994900206313";
        String good = "+994900200000";
        assertThat(PhoneNumberToTimeZonesMapper.getInstance().getTimeZonesForNumber(RecipientZones.parse(bad)))
                .containsExactly(PhoneNumberToTimeZonesMapper.getUnknownTimeZone());

        assertThat(fresh.zoneFor(null, bad, FALLBACK)).isEqualTo(FALLBACK);
        assertThat(fresh.zoneFor(null, good, FALLBACK)).isEqualTo(ZoneId.of("Asia/Baku"));
        // once a good number with the same length and first eight digits is cached, the bad one shares its zone
        assertThat(fresh.zoneFor(null, bad, FALLBACK)).isEqualTo(ZoneId.of("Asia/Baku"));
    }

    /**
     * The cache keys on length and first eight digits, so it is only right if every number libphonenumber
     * can place that shares a key gets the same zone: checked for every region's example number of every
     * type with random tails (tens of thousands of placeable numbers, looked up in one instance), against
     * the uncached lookup.
     */
    @Test
    void theCachedAnswerIsTheUncachedOneForEveryRegionAndNumberType() {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        Random random = new Random(44);
        List<String> numbers = new ArrayList<>();
        for (String region : util.getSupportedRegions()) {
            for (PhoneNumberUtil.PhoneNumberType type : PhoneNumberUtil.PhoneNumberType.values()) {
                Phonenumber.PhoneNumber example = util.getExampleNumberForType(region, type);
                if (example == null) {
                    continue;
                }
                String e164 = util.format(example, PhoneNumberUtil.PhoneNumberFormat.E164);
                for (int i = 0; i < 40; i++) {
                    StringBuilder n = new StringBuilder(e164.substring(0, 2 + random.nextInt(e164.length() - 2)));
                    while (n.length() < e164.length()) {
                        n.append((char) ('0' + random.nextInt(10)));
                    }
                    numbers.add(n.toString());
                }
            }
        }
        RecipientZones cached = new RecipientZones();
        int placed = 0;
        for (String number : numbers) {
            ZoneId direct = directly(number);
            if (direct != null) {
                assertThat(cached.zoneFor(null, number, FALLBACK)).as(number).isEqualTo(direct);
                placed++;
            }
        }
        assertThat(placed).as("numbers libphonenumber placed").isGreaterThan(20_000);
    }

    private ZoneId directly(String e164) {
        Phonenumber.PhoneNumber number = RecipientZones.parse(e164);
        return number == null ? null : new RecipientZones().lookUp(number);
    }
}
