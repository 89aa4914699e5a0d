package dev.parley.contacts;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneNumberDesc;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dk.brics.automaton.Automaton;
import dk.brics.automaton.RunAutomaton;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One region's valid national numbers as a deterministic automaton: {@link #test} answers exactly as
 * libphonenumber's {@link PhoneNumberUtil#isValidNumberForRegion}, without its regular expressions.
 *
 * <p>Why: the library decides by matching the national significant number against the region's general
 * pattern, then type by type (premium rate, toll free, shared cost, VoIP, personal, pager, UAN,
 * voicemail, fixed line, mobile) against each type's pattern, with a {@code java.util.regex.Matcher}
 * made for each pattern tried, for each number; over an import that was a quarter of its CPU. The same
 * decision is one regular language, built here once per region from the library's own metadata,
 * <pre>general pattern ∩ general lengths ∩ ⋃ over those types (type pattern ∩ type lengths)</pre>
 * and answered by one pass over the digits that allocates nothing.
 *
 * <p>What a reader could get wrong:
 * <ul>
 * <li>The metadata's patterns are read by {@link PatternReader}, which knows only the part of Java's regex
 *     syntax the metadata uses; anything else in a region's metadata (look-around, lazy or possessive
 *     quantifiers, anchors, escapes other than {@code \d}, …) leaves that region to the library, so an
 *     answer is never a guess.
 * <li>The automaton reads a number backwards, last digit first, so that the digits come off the
 *     {@code long} by {@code % 10} without a string being built; {@link PatternReader} builds each
 *     pattern's reversed language for that.
 * </ul>
 */
final class ValidNationalNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Logger log = LoggerFactory.getLogger(ValidNationalNumbers.class);

    private final int callingCode;
    private final String region;
    /**
     * The automaton as a table over digits: {@code next[state * 10 + digit]}, -1 for no way on. Null when the region's
     * metadata has syntax {@link PatternReader} does not read: the library answers.
     */
    private final int[] next;
    private final boolean[] accept;
    private final int initial;

    private ValidNationalNumbers(int callingCode, String region, RunAutomaton reversed) {
        this.callingCode = callingCode;
        this.region = region;
        if (reversed == null) {
            this.next = null;
            this.accept = null;
            this.initial = -1;
            return;
        }
        // A digit table rather than RunAutomaton.step, which searches each state's character ranges.
        int states = reversed.getSize();
        this.next = new int[states * 10];
        this.accept = new boolean[states];
        for (int s = 0; s < states; s++) {
            accept[s] = reversed.isAccept(s);
            for (int d = 0; d < 10; d++) {
                next[s * 10 + d] = reversed.step(s, (char) ('0' + d));
            }
        }
        this.initial = reversed.getInitialState();
    }

    /**
     * {@code region}'s valid numbers, from {@code metadata} as libphonenumber has it for the region (for
     * "001", for the calling code). Takes from a millisecond to a few hundred (DE), once per region.
     */
    static ValidNationalNumbers of(String region, PhoneMetadata metadata) {
        try {
            RunAutomaton reversed = new RunAutomaton(reversedValid(metadata), false);
            return new ValidNationalNumbers(metadata.getCountryCode(), region, reversed);
        } catch (PatternReader.UnsupportedSyntax e) {
            log.info("libphonenumber decides validity for {} (+{}): {}",
                    region, metadata.getCountryCode(), e.getMessage());
            return new ValidNationalNumbers(metadata.getCountryCode(), region, null);
        }
    }

    /** True when this region's answer comes from the automaton, false when from the library. */
    boolean compiled() {
        return next != null;
    }

    /** Exactly {@code PhoneNumberUtil.isValidNumberForRegion(number, region)}. */
    boolean test(PhoneNumber number) {
        long national = number.getNationalNumber();
        if (next == null || number.getCountryCode() != callingCode || national < 0) {
            return UTIL.isValidNumberForRegion(number, region);
        }
        int state = initial;
        do {
            state = next[state * 10 + (int) (national % 10)];
            national /= 10;
        } while (national > 0 && state >= 0);
        if (number.isItalianLeadingZero()) {
            for (int zeros = number.getNumberOfLeadingZeros(); zeros > 0 && state >= 0; zeros--) {
                state = next[state * 10];
            }
        }
        return state >= 0 && accept[state];
    }

    /**
     * The language of {@code getNumberTypeHelper(nsn, metadata) != UNKNOWN}, reversed: the general
     * description matches and so does one type's description, where the mobile one is not tried when
     * the metadata says mobile and fixed-line patterns are the same. Each piece is minimized before it is
     * combined, which keeps the products small (DE's general ∩ types: 850 states rather than 14,000).
     */
    private static Automaton reversedValid(PhoneMetadata metadata) {
        List<PhoneNumberDesc> types = new ArrayList<>(List.of(metadata.getPremiumRate(), metadata.getTollFree(),
                metadata.getSharedCost(), metadata.getVoip(), metadata.getPersonalNumber(), metadata.getPager(),
                metadata.getUan(), metadata.getVoicemail(), metadata.getFixedLine()));
        if (!metadata.getSameMobileAndFixedLinePattern()) {
            types.add(metadata.getMobile());
        }
        List<Automaton> anyType = new ArrayList<>();
        for (PhoneNumberDesc type : types) {
            anyType.add(reversedMatching(type));
        }
        Automaton valid = reversedMatching(metadata.getGeneralDesc())
                .intersection(Automaton.minimize(Automaton.union(anyType)));
        valid.minimize();
        return valid;
    }

    /**
     * The language of libphonenumber's {@code isNumberMatchingDesc}, reversed: the length is one of the
     * description's possible lengths when it lists any (a list of only -1 allows none), and the national
     * number pattern matches the whole number (an empty pattern matches nothing).
     */
    private static Automaton reversedMatching(PhoneNumberDesc desc) {
        if (desc.getNationalNumberPattern().isEmpty()) {
            return Automaton.makeEmpty();
        }
        Automaton pattern = Automaton.minimize(PatternReader.reversed(desc.getNationalNumberPattern()));
        if (desc.getPossibleLengthList().isEmpty()) {
            return pattern;
        }
        List<Automaton> lengths = new ArrayList<>();
        for (int length : desc.getPossibleLengthList()) {
            if (length >= 0) {
                lengths.add(digit().repeat(length, length));
            }
        }
        return Automaton.minimize(pattern.intersection(Automaton.union(lengths)));
    }

    private static Automaton digit() {
        return Automaton.makeCharRange('0', '9');
    }

    /**
     * Reads the regular expressions of libphonenumber's metadata (Java syntax) into automata of their
     * reversed languages. It reads digits, {@code \d}, classes of digits and digit ranges, groups
     * ({@code (?:…)} and {@code (…)}), alternation and the greedy quantifiers {@code ? * + {n} {n,}
     * {n,m}}: with {@code Matcher.matches()}, which libphonenumber uses, such a pattern accepts exactly
     * the strings of its regular language. Anything else throws {@link UnsupportedSyntax}.
     */
    static final class PatternReader {
        /** Syntax outside what {@link PatternReader} reads exactly. */
        static final class UnsupportedSyntax extends RuntimeException {
            UnsupportedSyntax(String regex, int at) {
                super("pattern syntax not compiled at index " + at + " of " + regex);
            }
        }

        private final String regex;
        private int at;

        private PatternReader(String regex) {
            this.regex = regex;
        }

        /** The automaton of {@code regex}'s language with every string reversed. */
        static Automaton reversed(String regex) {
            PatternReader reader = new PatternReader(regex);
            Automaton result = reader.alternation();
            if (reader.at != regex.length()) {
                throw reader.unsupported();
            }
            return result;
        }

        private Automaton alternation() {
            List<Automaton> branches = new ArrayList<>();
            branches.add(sequence());
            while (take('|')) {
                branches.add(sequence());
            }
            return Automaton.union(branches);
        }

        /** Reversal turns A·B into reverse(B)·reverse(A): each next piece goes in front. */
        private Automaton sequence() {
            Automaton result = Automaton.makeEmptyString();
            while (at < regex.length() && peek() != '|' && peek() != ')') {
                result = quantified().concatenate(result);
            }
            return result;
        }

        private Automaton quantified() {
            Automaton atom = atom();
            Automaton result;
            if (take('?')) {
                result = atom.optional();
            } else if (take('*')) {
                result = atom.repeat();
            } else if (take('+')) {
                result = atom.repeat(1);
            } else if (take('{')) {
                int min = number();
                int max = min;
                if (take(',')) {
                    max = at < regex.length() && peek() == '}' ? -1 : number();
                }
                expect('}');
                if (max == -1) {
                    result = atom.repeat(min);
                } else if (max >= min) {
                    result = atom.repeat(min, max);
                } else {
                    throw unsupported();
                }
            } else {
                return atom;
            }
            if (at < regex.length() && "?+*{".indexOf(peek()) >= 0) {
                throw unsupported();
            }
            return result;
        }

        private Automaton atom() {
            if (at >= regex.length()) {
                throw unsupported();
            }
            char c = regex.charAt(at++);
            if (c >= '0' && c <= '9') {
                return Automaton.makeChar(c);
            }
            if (c == '\\') {
                expect('d');
                return digit();
            }
            if (c == '[') {
                return characterClass();
            }
            if (c == '(') {
                if (take('?')) {
                    expect(':');
                }
                Automaton group = alternation();
                expect(')');
                return group;
            }
            at--;
            throw unsupported();
        }

        private Automaton characterClass() {
            List<Automaton> members = new ArrayList<>();
            while (!take(']')) {
                if (take('\\')) {
                    expect('d');
                    members.add(digit());
                    continue;
                }
                char first = digitChar();
                char last = take('-') ? digitChar() : first;
                if (last < first) {
                    throw unsupported();
                }
                members.add(Automaton.makeCharRange(first, last));
            }
            if (members.isEmpty()) {
                throw unsupported();
            }
            return Automaton.union(members);
        }

        private char digitChar() {
            if (at < regex.length() && peek() >= '0' && peek() <= '9') {
                return regex.charAt(at++);
            }
            throw unsupported();
        }

        private int number() {
            int start = at;
            while (at < regex.length() && peek() >= '0' && peek() <= '9' && at - start < 4) {
                at++;
            }
            if (at == start) {
                throw unsupported();
            }
            return Integer.parseInt(regex, start, at, 10);
        }

        private char peek() {
            return regex.charAt(at);
        }

        private boolean take(char c) {
            if (at < regex.length() && regex.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!take(c)) {
                throw unsupported();
            }
        }

        private UnsupportedSyntax unsupported() {
            return new UnsupportedSyntax(regex, at);
        }
    }
}
