package dev.parley.campaigns;

import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The time zone a campaign's send window is read in for one recipient: the contact's {@code timezone}
 * when it names an IANA zone this JVM knows, else the zone libphonenumber's time-zone data gives the phone
 * number (E.164, as contacts store it), else the campaign's fallback. Thread-safe; one instance serves
 * every campaign.
 *
 * <p>When the data gives a number several zones (a UK mobile: London, Guernsey, Jersey, Isle of Man; an
 * Australian mobile: eight; a Russian mobile: sixteen), the number's region picks from {@link #PRINCIPAL}
 * (the zone most of the country lives in) when one of those is among them, else the first zone the data
 * lists, its lists being alphabetical: a UK mobile gets London, one in a Guernsey range Guernsey (the same
 * clock), an Idaho number listed as Boise or Los Angeles gets Boise. The ids are libphonenumber's, some of
 * them old tzdb links ({@code Asia/Calcutta} for India) that name the same rules.
 *
 * <p>What a reader could get wrong: phone lookups are cached by the number's length and first eight
 * digits, not by the whole number, because libphonenumber's lookup costs microseconds and a campaign asks
 * once per recipient. Its answer also depends on the number's type (mobile, landline, toll-free), so the
 * cache is only as exact as that key: {@code RecipientZonesTest} checks it against the uncached answer for
 * every region's example numbers with random tails. A number libphonenumber cannot place is never cached,
 * so it cannot hide a good one; but once a good one sharing its key is cached, it shares that zone.
 */
public final class RecipientZones {
    /**
     * Where most of the country lives, for the regions whose numbers can map to several zones; a second
     * entry is the choice when the first is not among a number's zones (Western Australia's landlines
     * share a prefix with South Australia's; most Alaskan numbers are in Anchorage's zone, not Adak's).
     */
    static final Map<String, List<String>> PRINCIPAL = Map.ofEntries(
            Map.entry("US", List.of("America/New_York", "America/Anchorage")), Map.entry("CA", List.of("America/Toronto")),
            Map.entry("MX", List.of("America/Mexico_City")), Map.entry("BR", List.of("America/Sao_Paulo")),
            Map.entry("CL", List.of("America/Santiago")), Map.entry("EC", List.of("America/Guayaquil")),
            Map.entry("GL", List.of("America/Godthab")), Map.entry("GB", List.of("Europe/London")),
            Map.entry("PT", List.of("Europe/Lisbon")), Map.entry("ES", List.of("Europe/Madrid")),
            Map.entry("IT", List.of("Europe/Rome")), Map.entry("FI", List.of("Europe/Helsinki")),
            Map.entry("NO", List.of("Europe/Oslo")), Map.entry("RU", List.of("Europe/Moscow")),
            Map.entry("KZ", List.of("Asia/Almaty")), Map.entry("MN", List.of("Asia/Ulaanbaatar")),
            Map.entry("ID", List.of("Asia/Jakarta")), Map.entry("AU", List.of("Australia/Sydney", "Australia/Perth")),
            Map.entry("NZ", List.of("Pacific/Auckland")), Map.entry("PF", List.of("Pacific/Tahiti")),
            Map.entry("KI", List.of("Pacific/Tarawa")), Map.entry("CD", List.of("Africa/Kinshasa")),
            Map.entry("RE", List.of("Indian/Reunion")));
    /** Bounds the caches (500,000 prefixes is about 30 MB); past them lookups still answer, uncached. */
    static final int MAX_CACHED = 500_000;
    private static final int MAX_NAMES = 10_000;
    private static final int KEY_DIGITS = 8;
    /** A {@code +} and three digits; libphonenumber decides what else is too short ({@code +98 9640} is a number). */
    private static final int MIN_LENGTH = 4;
    private static final Set<String> KNOWN_ZONES = ZoneId.getAvailableZoneIds();

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final PhoneNumberToTimeZonesMapper mapper = PhoneNumberToTimeZonesMapper.getInstance();
    private final ConcurrentHashMap<Long, ZoneId> byPrefix = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Optional<ZoneId>> byName = new ConcurrentHashMap<>();

    /** The zone to use for one recipient (see the class comment); never throws, and answers {@code fallback} when in doubt. */
    public ZoneId zoneFor(String contactTimezone, String phoneE164, ZoneId fallback) {
        if (contactTimezone != null && !contactTimezone.isBlank()) {
            Optional<ZoneId> named = named(contactTimezone.strip());
            if (named.isPresent()) {
                return named.get();
            }
        }
        if (phoneE164 != null) {
            ZoneId phone = forPhone(phoneE164.strip());
            if (phone != null) {
                return phone;
            }
        }
        return fallback;
    }

    private Optional<ZoneId> named(String name) {
        Optional<ZoneId> cached = byName.get(name);
        if (cached != null) {
            return cached;
        }
        Optional<ZoneId> zone = KNOWN_ZONES.contains(name) ? zone(name) : Optional.empty();
        if (byName.size() < MAX_NAMES) {
            byName.put(name, zone);
        }
        return zone;
    }

    private ZoneId forPhone(String e164) {
        if (e164.length() < MIN_LENGTH || e164.length() > 16 || e164.charAt(0) != '+') {
            return null;
        }
        long key = e164.length();
        for (int i = 1; i < e164.length(); i++) {
            char c = e164.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            if (i <= KEY_DIGITS) {
                key = key * 10 + (c - '0');
            }
        }
        ZoneId cached = byPrefix.get(key);
        if (cached != null) {
            return cached;
        }
        Phonenumber.PhoneNumber number = parse(e164);
        ZoneId zone = number == null ? null : lookUp(number);
        if (zone != null && byPrefix.size() < MAX_CACHED) {
            byPrefix.putIfAbsent(key, zone);
        }
        return zone;
    }

    /** The zone for {@code number} straight from libphonenumber, uncached; null when it cannot place the number. */
    ZoneId lookUp(Phonenumber.PhoneNumber number) {
        List<String> zones = mapper.getTimeZonesForNumber(number);
        if (zones.isEmpty() || zones.contains(PhoneNumberToTimeZonesMapper.getUnknownTimeZone())) {
            return null;
        }
        if (zones.size() > 1) {
            String region = util.getRegionCodeForNumber(number);
            for (String principal : region == null ? List.<String>of() : PRINCIPAL.getOrDefault(region, List.of())) {
                if (zones.contains(principal) && zone(principal).isPresent()) {
                    return zone(principal).get();
                }
            }
        }
        for (String id : zones) {
            Optional<ZoneId> zone = zone(id);
            if (zone.isPresent()) {
                return zone.get();
            }
        }
        return null;
    }

    /** {@code e164}, already known to be {@code +} and 3 to 15 digits, as a number; null without a known country code. */
    static Phonenumber.PhoneNumber parse(String e164) {
        if (e164.charAt(1) == '0') {
            return null;
        }
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        for (int len = 1; len <= 3; len++) {
            int countryCode = Integer.parseInt(e164.substring(1, 1 + len));
            String national = e164.substring(1 + len);
            if (!national.isEmpty() && !"ZZ".equals(util.getRegionCodeForCountryCode(countryCode))) {
                Phonenumber.PhoneNumber number = new Phonenumber.PhoneNumber()
                        .setCountryCode(countryCode).setNationalNumber(Long.parseLong(national));
                int zeros = 0;
                while (zeros < national.length() - 1 && national.charAt(zeros) == '0') {
                    zeros++;
                }
                if (zeros > 0) {
                    number.setItalianLeadingZero(true).setNumberOfLeadingZeros(zeros);
                }
                return number;
            }
        }
        return null;
    }

    private static Optional<ZoneId> zone(String id) {
        try {
            return Optional.of(ZoneId.of(id));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
