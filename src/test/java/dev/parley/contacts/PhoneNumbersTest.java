package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.MetadataLoader;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata;
import com.google.i18n.phonenumbers.Phonenumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import dk.brics.automaton.RunAutomaton;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
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
     * {@code isValid} answers exactly as libphonenumber's {@code isValidNumber}, over {@link #nearExamples}:
     * numbers near real ranges (valid and invalid alike) of shared calling codes (+1, +44, +7, +61, …), of
     * single-region ones and of non-geographic ones (+800, +882, …).
     */
    @Test
    void isValidAgreesWithTheLibraryEverywhere() {
        long valid = 0;
        long compared = 0;
        for (Phonenumber.PhoneNumber n : NEAR_EXAMPLES) {
            boolean theirs = UTIL.isValidNumber(n);
            assertThat(PhoneNumbers.isValid(n)).as(describe(n)).isEqualTo(theirs);
            valid += theirs ? 1 : 0;
            compared++;
        }
        assertThat(compared).isGreaterThan(300_000);
        assertThat(valid).as("valid numbers among the compared").isBetween(compared / 5, compared * 4 / 5);
    }

    /**
     * Every region's automaton, not only the ones {@code isValid} asks first, answers exactly as
     * {@code isValidNumberForRegion} for every generated number of its calling code: GB's for numbers made
     * from GB's examples and from GG's, JE's and IM's; CA's for every +1 region's. And every region's
     * metadata compiles, so none of these comparisons is the library against itself.
     */
    @Test
    void everyRegionsAutomatonAgreesWithIsValidNumberForRegion() {
        Map<Integer, List<Phonenumber.PhoneNumber>> byCallingCode = NEAR_EXAMPLES.stream()
                .collect(Collectors.groupingBy(Phonenumber.PhoneNumber::getCountryCode));
        long valid = 0;
        long compared = 0;
        for (var entry : byCallingCode.entrySet()) {
            for (String region : UTIL.getRegionCodesForCountryCode(entry.getKey())) {
                var automaton = ValidNationalNumbers.of(region, PhoneNumbers.metadata(entry.getKey(), region));
                assertThat(automaton.compiled()).as(region + " +" + entry.getKey() + " compiles").isTrue();
                for (Phonenumber.PhoneNumber n : entry.getValue()) {
                    boolean theirs = UTIL.isValidNumberForRegion(n, region);
                    assertThat(automaton.test(n)).as(region + " " + describe(n)).isEqualTo(theirs);
                    valid += theirs ? 1 : 0;
                    compared++;
                }
            }
        }
        assertThat(byCallingCode.keySet()).containsAll(UTIL.getSupportedCallingCodes());
        assertThat(compared).isGreaterThan(1_000_000);
        assertThat(valid).as("valid for the region among the compared").isBetween(compared / 50, compared / 2);
    }

    /**
     * The rules of libphonenumber that today's metadata never puts to the test, since its patterns already
     * imply their lengths: a type's possible lengths cut its pattern, a type without lengths takes the
     * general description's, lengths of only -1 or an empty pattern match nothing, and the mobile pattern
     * is not tried when the metadata says it is the fixed-line one. Each automaton is compared with a
     * libphonenumber that loads the same made-up metadata as GB's, on every leading digit and length.
     */
    @Test
    void lengthRulesAndTypeRulesAreTheLibrarys() throws Exception {
        for (boolean sameMobileAndFixedLine : List.of(false, true)) {
            Phonemetadata.PhoneMetadata madeUp = new Phonemetadata.PhoneMetadata().setId("GB").setCountryCode(44)
                    .setInternationalPrefix("00")
                    .setGeneralDesc(desc("[1-9]\\d{3,7}", 4, 5, 6, 7))
                    .setFixedLine(desc("[1-4]\\d{3,6}", 5, 7))
                    .setMobile(desc("[3-6]\\d{3,5}", 4, 6))
                    .setTollFree(desc("8\\d{3,7}"))
                    .setPremiumRate(desc("9\\d{3,7}", -1))
                    .setVoip(new Phonemetadata.PhoneNumberDesc().addPossibleLength(5))
                    .setSharedCost(NONE).setPersonalNumber(NONE).setPager(NONE).setUan(NONE).setVoicemail(NONE)
                    .setSameMobileAndFixedLinePattern(sameMobileAndFixedLine);
            byte[] file = serialized(madeUp);
            MetadataLoader real = DefaultMetadataDependenciesProvider.getInstance().getMetadataLoader();
            PhoneNumberUtil library = PhoneNumberUtil.createInstance((MetadataLoader) name ->
                    name.endsWith("PhoneNumberMetadataProto_GB")
                            ? new ByteArrayInputStream(file)
                            : real.loadMetadata(name));
            ValidNationalNumbers automaton = ValidNationalNumbers.of("GB", madeUp);
            assertThat(automaton.compiled()).isTrue();
            Random random = new Random(7);
            int valid = 0;
            for (int first = 0; first <= 9; first++) {
                for (int length = 1; length <= 9; length++) {
                    StringBuilder digits = new StringBuilder().append(first);
                    while (digits.length() < length) {
                        digits.append(random.nextInt(10));
                    }
                    Phonenumber.PhoneNumber n = number(44, digits.toString());
                    boolean theirs = library.isValidNumberForRegion(n, "GB");
                    assertThat(automaton.test(n)).as(sameMobileAndFixedLine + " " + digits).isEqualTo(theirs);
                    valid += theirs ? 1 : 0;
                }
            }
            assertThat(valid).as("valid numbers").isEqualTo(sameMobileAndFixedLine ? 12 : 20);
        }
    }

    /** How libphonenumber's metadata files describe a type a region has no numbers of. */
    private static final Phonemetadata.PhoneNumberDesc NONE = new Phonemetadata.PhoneNumberDesc().addPossibleLength(-1);

    private static Phonemetadata.PhoneNumberDesc desc(String pattern, int... possibleLengths) {
        Phonemetadata.PhoneNumberDesc desc = new Phonemetadata.PhoneNumberDesc().setNationalNumberPattern(pattern);
        for (int length : possibleLengths) {
            desc.addPossibleLength(length);
        }
        return desc;
    }

    private static byte[] serialized(Phonemetadata.PhoneMetadata metadata) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            new Phonemetadata.PhoneMetadataCollection().addMetadata(metadata).writeExternal(out);
        }
        return bytes.toByteArray();
    }

    /** The automaton reads the metadata's regex syntax and nothing else: the rest is left to the library. */
    @Test
    void patternsOutsideTheMetadataSyntaxAreNotCompiled() {
        var reversed = new RunAutomaton(ValidNationalNumbers.PatternReader.reversed("1[2-4]\\d{2}|5(?:6|7)?"));
        Predicate<String> matches = s -> reversed.run(new StringBuilder(s).reverse().toString());
        assertThat(List.of("1200", "1499", "5", "56", "57")).allMatch(matches);
        assertThat(List.of("0021", "1500", "12000", "65", "55", "")).noneMatch(matches);
        for (String unsupported : List.of(
                "1(?=2)\\d", "\\d{2}?", "\\d*+", "[^1]", "1.", "^1", "\\s", "(1)\\1", "[1-]", "1{3,2}")) {
            assertThatThrownBy(() -> ValidNationalNumbers.PatternReader.reversed(unsupported)).as(unsupported)
                    .isInstanceOf(ValidNationalNumbers.PatternReader.UnsupportedSyntax.class);
        }
    }

    /**
     * Numbers made from the example numbers of every type (fixed line, mobile, toll free, …) of every
     * region and every non-geographic calling code, with their last one to seven digits replaced at random
     * and their length changed by up to two, built as the parser would build them (leading zeros kept as
     * Italian leading zeros).
     */
    private static final List<Phonenumber.PhoneNumber> NEAR_EXAMPLES = nearExamples();

    private static List<Phonenumber.PhoneNumber> nearExamples() {
        Random random = new Random(11);
        List<Phonemetadata.PhoneMetadata> everyMetadata = new ArrayList<>();
        for (String region : new TreeSet<>(UTIL.getSupportedRegions())) {
            everyMetadata.add(PhoneNumbers.metadata(UTIL.getCountryCodeForRegion(region), region));
        }
        for (int callingCode : new TreeSet<>(UTIL.getSupportedGlobalNetworkCallingCodes())) {
            everyMetadata.add(PhoneNumbers.metadata(callingCode, "001"));
        }
        List<Phonenumber.PhoneNumber> numbers = new ArrayList<>();
        for (Phonemetadata.PhoneMetadata metadata : everyMetadata) {
            for (Phonemetadata.PhoneNumberDesc type : List.of(metadata.getFixedLine(), metadata.getMobile(),
                    metadata.getTollFree(), metadata.getPremiumRate(), metadata.getSharedCost(), metadata.getVoip(),
                    metadata.getPersonalNumber(), metadata.getPager(), metadata.getUan(), metadata.getVoicemail())) {
                if (!type.hasExampleNumber()) {
                    continue;
                }
                String example = type.getExampleNumber();
                for (int i = 0; i < 300; i++) {
                    int keep = Math.max(1, example.length() - 1 - random.nextInt(7));
                    int length = Math.max(keep, example.length() + random.nextInt(5) - 2);
                    StringBuilder digits = new StringBuilder(example.substring(0, keep));
                    while (digits.length() < length) {
                        digits.append(random.nextInt(10));
                    }
                    if (digits.length() <= 17) {
                        numbers.add(number(metadata.getCountryCode(), digits.toString()));
                    }
                }
            }
        }
        return List.copyOf(numbers);
    }

    private static Phonenumber.PhoneNumber number(int callingCode, String nationalSignificantNumber) {
        Phonenumber.PhoneNumber n = new Phonenumber.PhoneNumber().setCountryCode(callingCode)
                .setNationalNumber(Long.parseLong(nationalSignificantNumber));
        int zeros = 0;
        while (zeros < nationalSignificantNumber.length() - 1 && nationalSignificantNumber.charAt(zeros) == '0') {
            zeros++;
        }
        if (zeros > 0) {
            n.setItalianLeadingZero(true).setNumberOfLeadingZeros(zeros);
        }
        return n;
    }

    private static String describe(Phonenumber.PhoneNumber n) {
        return "+" + n.getCountryCode() + " " + UTIL.getNationalSignificantNumber(n);
    }
}
