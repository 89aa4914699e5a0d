package dev.parley.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Send windows read in the recipient's wall time, with every instant given explicitly (no clock, no sleeping). */
class SendWindowTest {

    @ParameterizedTest(name = "{0} {1} {2}-{3} at {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # zone              | days        | from  | to    | at (UTC)             | open  | next opening         | closes
            # London springs forward on 2025-03-30 at 01:00Z: 01:00-02:00 local does not exist
            Europe/London       | SUN         | 01:30 | 06:00 | 2025-03-30T00:30:00Z | false | 2025-03-30T01:00:00Z | -
            Europe/London       | SUN         | 01:30 | 06:00 | 2025-03-30T01:00:00Z | true  | 2025-03-30T01:00:00Z | 2025-03-30T05:00:00Z
            Europe/London       | SAT         | 22:00 | 01:30 | 2025-03-29T23:00:00Z | true  | 2025-03-29T23:00:00Z | 2025-03-30T01:00:00Z
            Europe/London       | MON-FRI     | 09:00 | 17:00 | 2025-03-28T08:59:59Z | false | 2025-03-28T09:00:00Z | -
            Europe/London       | MON-FRI     | 09:00 | 17:00 | 2025-03-28T17:00:00Z | false | 2025-03-31T08:00:00Z | -
            Europe/London       | MON-FRI     | 09:00 | 17:00 | 2025-03-31T08:00:00Z | true  | 2025-03-31T08:00:00Z | 2025-03-31T16:00:00Z
            Europe/London       | SUN         | 00:00 | 24:00 | 2025-03-29T23:59:59Z | false | 2025-03-30T00:00:00Z | -
            Europe/London       | SUN         | 00:00 | 24:00 | 2025-03-30T12:00:00Z | true  | 2025-03-30T12:00:00Z | 2025-03-30T23:00:00Z
            # London falls back on 2025-10-26 at 01:00Z: 01:00-02:00 local happens twice (01:30 is 00:30Z, then 01:30Z)
            Europe/London       | SUN         | 01:30 | 06:00 | 2025-10-26T00:00:00Z | false | 2025-10-26T00:30:00Z | -
            Europe/London       | SUN         | 01:30 | 06:00 | 2025-10-26T01:10:00Z | true  | 2025-10-26T01:10:00Z | 2025-10-26T06:00:00Z
            Europe/London       | SUN         | 01:30 | 06:00 | 2025-10-26T01:30:00Z | true  | 2025-10-26T01:30:00Z | 2025-10-26T06:00:00Z
            Europe/London       | SAT         | 22:00 | 01:30 | 2025-10-25T21:30:00Z | true  | 2025-10-25T21:30:00Z | 2025-10-26T00:30:00Z
            Europe/London       | SAT         | 22:00 | 01:30 | 2025-10-26T01:10:00Z | false | 2025-11-01T22:00:00Z | -
            # New York: 2025-03-09 02:00-03:00 does not exist (07:00Z); 2025-11-02 01:00-02:00 happens twice
            America/New_York    | SUN         | 02:30 | 04:00 | 2025-03-09T06:00:00Z | false | 2025-03-09T07:00:00Z | -
            America/New_York    | SUN         | 02:30 | 04:00 | 2025-03-09T07:00:00Z | true  | 2025-03-09T07:00:00Z | 2025-03-09T08:00:00Z
            America/New_York    | MON-SUN     | 09:00 | 20:00 | 2025-03-08T14:00:00Z | true  | 2025-03-08T14:00:00Z | 2025-03-09T01:00:00Z
            America/New_York    | MON-SUN     | 09:00 | 20:00 | 2025-03-09T12:59:59Z | false | 2025-03-09T13:00:00Z | -
            America/New_York    | SUN         | 01:30 | 03:00 | 2025-11-02T05:00:00Z | false | 2025-11-02T05:30:00Z | -
            America/New_York    | SUN         | 01:30 | 03:00 | 2025-11-02T06:45:00Z | true  | 2025-11-02T06:45:00Z | 2025-11-02T08:00:00Z
            America/New_York    | SUN         | 01:30 | 03:00 | 2025-11-02T08:00:00Z | false | 2025-11-09T06:30:00Z | -
            America/New_York    | SAT,SUN     | 10:00 | 12:00 | 2025-06-16T14:00:00Z | false | 2025-06-21T14:00:00Z | -
            # Kolkata: +05:30 all year
            Asia/Kolkata        | MON-FRI     | 09:00 | 20:00 | 2025-06-13T14:29:59Z | true  | 2025-06-13T14:29:59Z | 2025-06-13T14:30:00Z
            Asia/Kolkata        | MON-FRI     | 09:00 | 20:00 | 2025-06-13T14:30:00Z | false | 2025-06-16T03:30:00Z | -
            Asia/Kolkata        | MON-FRI     | 09:00 | 20:00 | 2025-06-16T03:29:59Z | false | 2025-06-16T03:30:00Z | -
            # Lord Howe moves 30 minutes: 2025-04-06 01:30-02:00 twice (+11 then +10:30); 2025-10-05 02:00-02:30 missing
            Australia/Lord_Howe | SUN         | 01:45 | 03:00 | 2025-04-05T14:30:00Z | false | 2025-04-05T14:45:00Z | -
            Australia/Lord_Howe | SUN         | 01:45 | 03:00 | 2025-04-05T15:15:00Z | true  | 2025-04-05T15:15:00Z | 2025-04-05T16:30:00Z
            Australia/Lord_Howe | SUN         | 02:15 | 06:00 | 2025-10-04T15:00:00Z | false | 2025-10-04T15:30:00Z | -
            Australia/Lord_Howe | SUN         | 02:15 | 06:00 | 2025-10-04T15:30:00Z | true  | 2025-10-04T15:30:00Z | 2025-10-04T19:00:00Z
            # Chatham is +12:45 (+13:45 in summer): 2025-09-28 02:45-03:45 missing; 2025-04-06 02:45-03:45 twice
            Pacific/Chatham     | MON-SUN     | 09:00 | 20:00 | 2025-07-01T20:14:59Z | false | 2025-07-01T20:15:00Z | -
            Pacific/Chatham     | MON-SUN     | 09:00 | 20:00 | 2025-07-01T20:15:00Z | true  | 2025-07-01T20:15:00Z | 2025-07-02T07:15:00Z
            Pacific/Chatham     | SUN         | 03:00 | 05:00 | 2025-09-27T13:59:00Z | false | 2025-09-27T14:00:00Z | -
            Pacific/Chatham     | SUN         | 03:00 | 05:00 | 2025-09-27T14:00:00Z | true  | 2025-09-27T14:00:00Z | 2025-09-27T15:15:00Z
            Pacific/Chatham     | SUN         | 03:00 | 05:00 | 2025-04-05T13:15:00Z | true  | 2025-04-05T13:15:00Z | 2025-04-05T16:15:00Z
            Pacific/Chatham     | SUN         | 03:00 | 05:00 | 2025-04-05T14:15:00Z | true  | 2025-04-05T14:15:00Z | 2025-04-05T16:15:00Z
            # Overnight: FRI 22:00-06:00 is Friday night into Saturday morning, never Friday morning
            Europe/London       | FRI         | 22:00 | 06:00 | 2025-06-13T21:00:00Z | true  | 2025-06-13T21:00:00Z | 2025-06-14T05:00:00Z
            Europe/London       | FRI         | 22:00 | 06:00 | 2025-06-14T04:59:59Z | true  | 2025-06-14T04:59:59Z | 2025-06-14T05:00:00Z
            Europe/London       | FRI         | 22:00 | 06:00 | 2025-06-13T04:00:00Z | false | 2025-06-13T21:00:00Z | -
            Europe/London       | FRI         | 22:00 | 06:00 | 2025-06-14T21:00:00Z | false | 2025-06-20T21:00:00Z | -
            Europe/London       | MON-SUN     | 20:00 | 24:00 | 2025-06-16T22:30:00Z | true  | 2025-06-16T22:30:00Z | 2025-06-16T23:00:00Z
            # Whole days that meet are one opening
            Europe/London       | MON         | 00:00 | 24:00 | 2025-06-15T22:59:59Z | false | 2025-06-15T23:00:00Z | -
            Europe/London       | MON         | 00:00 | 24:00 | 2025-06-16T11:00:00Z | true  | 2025-06-16T11:00:00Z | 2025-06-16T23:00:00Z
            Europe/London       | MON,TUE     | 00:00 | 24:00 | 2025-06-16T11:00:00Z | true  | 2025-06-16T11:00:00Z | 2025-06-17T23:00:00Z
            # Across the date line: Sunday afternoon in Los Angeles is Monday morning in Auckland
            Pacific/Auckland    | MON         | 09:00 | 17:00 | 2025-06-15T21:00:00Z | true  | 2025-06-15T21:00:00Z | 2025-06-16T05:00:00Z
            America/Los_Angeles | MON         | 09:00 | 17:00 | 2025-06-15T21:00:00Z | false | 2025-06-16T16:00:00Z | -
            Pacific/Auckland    | MON         | 09:00 | 17:00 | 2025-06-16T17:00:00Z | false | 2025-06-22T21:00:00Z | -
            """)
    void answersInTheRecipientsWallTime(String zone, String days, String from, String to, Instant at,
            boolean open, Instant next, Instant closes) {
        SendWindow window = SendWindow.parse(days(days), from, to, "sendWindow");
        ZoneId z = ZoneId.of(zone);

        assertThat(window.isOpen(at, z)).as("open").isEqualTo(open);
        assertThat(window.nextOpening(at, z)).as("next opening").isEqualTo(next);
        if (open) {
            assertThat(window.closesAfter(at, z)).as("closes").isEqualTo(closes);
            assertThat(window.isOpen(closes, z)).as("closed when it closes").isFalse();
            assertThat(window.isOpen(closes.minusNanos(1), z)).as("open until it closes").isTrue();
        } else {
            assertThat(window.isOpen(next, z)).as("open at the next opening").isTrue();
            assertThat(window.isOpen(next.minusNanos(1), z)).as("closed just before the next opening").isFalse();
            assertThatThrownBy(() -> window.closesAfter(at, z)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aWindowOpenAroundTheClockAnswersAStorableCloseAboutTwoWeeksOn() {
        SendWindow always = SendWindow.parse(null, "00:00", "24:00", "w");
        Instant springForward = Instant.parse("2025-03-30T01:00:00Z");
        ZoneId london = ZoneId.of("Europe/London");

        assertThat(always).isEqualTo(SendWindow.always());
        assertThat(always.isOpen(springForward, london)).isTrue();
        assertThat(always.closesAfter(springForward, london))
                .isAfter(springForward.plus(Duration.ofDays(13)))
                .isBefore(springForward.plus(Duration.ofDays(16)));
    }

    @Test
    void daysLeftOutMeanEveryDayAndAPrefixMayEndWithADot() {
        assertThat(SendWindow.parse(null, "09:00", "17:00", "sendWindow").days()).containsExactlyInAnyOrder(DayOfWeek.values());
        assertThatThrownBy(() -> SendWindow.parse(null, "9am", "17:00", "sendWindow."))
                .isInstanceOfSatisfying(dev.parley.core.Failure.Invalid.class, e -> assertThat(e.errors())
                        .extracting(dev.parley.core.Failure.FieldError::field).containsExactly("sendWindow.from"));
    }

    @Test
    void aWindowInsideTheSpringForwardGapIsSkippedThatDayAndOpensTheNextWeek() {
        SendWindow window = new SendWindow(Set.of(DayOfWeek.SUNDAY), LocalTime.of(1, 15), LocalTime.of(1, 45));
        ZoneId london = ZoneId.of("Europe/London");

        assertThat(window.nextOpening(Instant.parse("2025-03-30T00:00:00Z"), london))
                .isEqualTo(Instant.parse("2025-04-06T00:15:00Z"));
    }

    /**
     * For random windows, zones and instants (around DST changes too), the answers agree with each other and
     * with the wall clock: nothing opens between t and the next opening (checked every five minutes), an
     * opening starts at {@code from} local time on an allowed day, or at the end of a DST gap that swallowed
     * it, and it ends at {@code to} or at the start of a gap.
     */
    @Test
    void randomWindowsAgreeWithTheWallClock() {
        List<ZoneId> zones = List.of("Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
                "Pacific/Chatham", "Pacific/Auckland", "America/Los_Angeles", "UTC").stream().map(ZoneId::of).toList();
        Random random = new Random(20250330);
        Instant base = Instant.parse("2025-01-01T00:00:00Z");
        for (int i = 0; i < 300; i++) {
            EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            while (days.isEmpty() || random.nextInt(3) > 0 && days.size() < 7) {
                days.add(DayOfWeek.of(1 + random.nextInt(7)));
            }
            LocalTime from = LocalTime.of(random.nextInt(24), random.nextInt(4) * 15);
            LocalTime to = LocalTime.of(random.nextInt(24), random.nextInt(4) * 15);
            if (from.equals(to)) {
                to = LocalTime.MIDNIGHT;
                from = LocalTime.MIDNIGHT;
            }
            SendWindow window = new SendWindow(days, from, to);
            ZoneId zone = zones.get(random.nextInt(zones.size()));
            Instant t = base.plusSeconds(random.nextLong(365L * 24 * 3600));

            Instant next = window.nextOpening(t, zone);
            assertThat(next).isAfterOrEqualTo(t).isBefore(t.plus(Duration.ofDays(15)));
            for (Instant x = t; x.isBefore(next); x = x.plus(Duration.ofMinutes(5))) {
                assertThat(window.isOpen(x, zone)).as("%s in %s at %s, before %s", window, zone, x, next).isFalse();
            }
            assertThat(window.isOpen(next, zone)).isTrue();
            if (next.isAfter(t)) {
                assertStartsAtFrom(window, zone, next);
            }
            Instant closes = window.closesAfter(next, zone);
            assertThat(closes).isAfter(next);
            boolean aroundTheClock = days.size() == 7 && from.equals(LocalTime.MIDNIGHT) && to.equals(LocalTime.MIDNIGHT);
            if (!aroundTheClock) {
                assertThat(window.isOpen(closes, zone)).isFalse();
                assertThat(window.isOpen(closes.minusNanos(1), zone)).isTrue();
                assertThat(closes).isBefore(next.plus(Duration.ofDays(8)));
                ZonedDateTime local = closes.atZone(zone);
                assertThat(local.toLocalTime().equals(to) || isGapEnd(closes, zone))
                        .as("%s in %s closes at %s", window, zone, local).isTrue();
            }
        }
    }

    @Test
    void parsesLowerCaseDaysAndTrimsTimes() {
        SendWindow window = SendWindow.parse(List.of("mon", "Fri", "MON"), " 09:00", "20:00 ", "sendWindow");

        assertThat(window).isEqualTo(new SendWindow(Set.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(9, 0), LocalTime.of(20, 0)));
    }

    @ParameterizedTest(name = "{0} {1}-{2}")
    @CsvSource(delimiter = '|', textBlock = """
            SUN,MON | 09:00 | 20:00
            FRI     | 22:00 | 06:00
            SAT     | 20:00 | 24:00
            MON     | 00:00 | 24:00
            TUE     | 00:00 | 06:30
            """)
    void writesBackWhatItParsed(String days, String from, String to) {
        SendWindow window = SendWindow.parse(List.of(days.split(",")), from, to, "sw");

        assertThat(window.dayNames()).containsExactlyInAnyOrder(days.split(","));
        assertThat(window.fromText()).isEqualTo(from);
        assertThat(window.toText()).isEqualTo(to);
        assertThat(SendWindow.parse(window.dayNames(), window.fromText(), window.toText(), "sw")).isEqualTo(window);
    }

    @ParameterizedTest(name = "{0} {1}-{2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # days           | from  | to    | errors (field:code, comma-separated)
            ''               | 09:00 | 20:00 | sw.days:invalid
            MON,XYZ          | 09:00 | 20:00 | sw.days:invalid
            MON,             | 09:00 | 20:00 | sw.days:invalid
            MON              | -     | 20:00 | sw.from:required
            MON              | 09:00 | ''    | sw.to:required
            MON              | 25:00 | 20:00 | sw.from:invalid
            MON              | 9am   | 20:00 | sw.from:invalid
            MON              | 9:00  | 20:00 | sw.from:invalid
            MON              | 24:00 | 20:00 | sw.from:invalid
            MON              | 09:00 | 24:01 | sw.to:invalid
            MON              | 09:00 | 09:00 | sw.to:invalid
            MON              | 00:00 | 00:00 | sw.to:invalid
            MON              | 24:00 | 24:00 | sw.from:invalid
            DAY              | 99:99 | x     | sw.days:invalid,sw.from:invalid,sw.to:invalid
            """)
    void badWindowsAreFieldErrorsAllAtOnce(String days, String from, String to, String expected) {
        List<String> dayList = days == null ? null : days.isEmpty() ? List.of() : Arrays.asList(days.split(",", -1));

        assertThatThrownBy(() -> SendWindow.parse(dayList, from, to, "sw"))
                .isInstanceOfSatisfying(dev.parley.core.Failure.Invalid.class, e -> assertThat(e.errors())
                        .extracting(err -> err.field() + ":" + err.code())
                        .containsExactly(expected.split(",")));
    }

    @Test
    void aWindowWithoutDaysOrWithEqualTimesCannotBeBuilt() {
        assertThatThrownBy(() -> new SendWindow(Set.of(), LocalTime.of(9, 0), LocalTime.of(17, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SendWindow(Set.of(DayOfWeek.MONDAY), LocalTime.of(9, 0), LocalTime.of(9, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertStartsAtFrom(SendWindow window, ZoneId zone, Instant start) {
        ZonedDateTime local = start.atZone(zone);
        if (local.toLocalTime().equals(window.from())) {
            assertThat(window.days()).contains(local.getDayOfWeek());
        } else {
            assertThat(isGapEnd(start, zone)).as("%s in %s opens at %s", window, zone, local).isTrue();
        }
    }

    private static boolean isGapEnd(Instant t, ZoneId zone) {
        var transition = zone.getRules().previousTransition(t.plusNanos(1));
        return transition != null && transition.isGap() && transition.getInstant().equals(t);
    }

    /** "MON-FRI", "SAT,SUN" or "MON-SUN" as the API's list of day names. */
    private static List<String> days(String spec) {
        List<String> names = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");
        if (spec.contains("-")) {
            String[] range = spec.split("-");
            return names.subList(names.indexOf(range[0]), names.indexOf(range[1]) + 1);
        }
        return List.of(spec.split(","));
    }
}
