package dev.parley.campaigns;

import dev.parley.core.Failure;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The hours a campaign may reach a recipient, in the recipient's local wall time: on each allowed day an
 * <em>opening</em> runs from {@code from} (inclusive) to {@code to} (exclusive), past midnight when
 * {@code to} is before {@code from}. {@code to} = 00:00 means midnight at the end of the day (the API's
 * {@code "24:00"}), so 00:00–00:00 is the whole day; no other {@code from == to} is allowed.
 *
 * <p>What a reader could get wrong: {@code days} names the local date on which an opening <em>starts</em>
 * (22:00–06:00 on FRI is open from Friday 22:00 to Saturday 06:00, and not on Friday at 05:00). Across a
 * DST change an opening is one interval of instants: a wall time inside a spring-forward gap means the
 * first instant after the gap; a wall time that occurs twice on a fall-back day means its first
 * occurrence, for {@code from} and {@code to} alike, so an opening is never entered twice. Every method
 * looks at most a couple of weeks of dates around {@code t}, so each answers in bounded time.
 */
public record SendWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to) {
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);
    /** Enough dates to reach the next allowed day from any date, plus room for an opening lost to a DST gap. */
    private static final int DATES_AHEAD = 15;

    public SendWindow {
        if (days == null || days.isEmpty() || days.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("a send window needs at least one day, and no null day");
        }
        if (from == null || to == null) {
            throw new IllegalArgumentException("a send window needs from and to");
        }
        if (from.equals(to) && !from.equals(LocalTime.MIDNIGHT)) {
            throw new IllegalArgumentException("from and to are equal; only 00:00–24:00 means the whole day");
        }
        days = Set.copyOf(EnumSet.copyOf(days));
    }

    /** Every day, 00:00–24:00. */
    public static SendWindow always() {
        return new SendWindow(EnumSet.allOf(DayOfWeek.class), LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);
    }

    /**
     * Parses the API shape {@code {days:["MON",...], from:"09:00", to:"20:00"}}: {@code days} left out (null)
     * means every day, an empty list is refused; {@code to} may be {@code "24:00"} (the end of the day). Every
     * problem is a field error on {@code prefix.days}, {@code prefix.from} or {@code prefix.to} ("sendWindow"
     * and "sendWindow." both give {@code sendWindow.from}), all thrown together as one {@link Failure.Invalid}.
     */
    public static SendWindow parse(List<String> days, String from, String to, String fieldPrefix) {
        String prefix = fieldPrefix == null ? "" : fieldPrefix.isEmpty() || fieldPrefix.endsWith(".") ? fieldPrefix : fieldPrefix + ".";
        List<Failure.FieldError> errors = new ArrayList<>();
        EnumSet<DayOfWeek> allowed = EnumSet.noneOf(DayOfWeek.class);
        if (days == null) {
            allowed = EnumSet.allOf(DayOfWeek.class);
        } else if (days.isEmpty()) {
            errors.add(new Failure.FieldError(prefix + "days", "invalid", prefix + "days must name at least one day (leave it out for every day)"));
        } else {
            for (String day : days) {
                DayOfWeek d = day(day);
                if (d == null) {
                    errors.add(new Failure.FieldError(prefix + "days", "invalid", prefix + "days: '" + day
                            + "' is not one of MON, TUE, WED, THU, FRI, SAT, SUN"));
                } else {
                    allowed.add(d);
                }
            }
        }
        LocalTime start = time(from, false, prefix + "from", errors);
        LocalTime end = time(to, true, prefix + "to", errors);
        if (start != null && end != null && start.equals(end) && !(start.equals(LocalTime.MIDNIGHT) && "24:00".equals(to.strip()))) {
            errors.add(new Failure.FieldError(prefix + "to", "invalid", prefix + "to must differ from " + prefix
                    + "from (for the whole day use 00:00 to 24:00)"));
        }
        if (!errors.isEmpty()) {
            throw new Failure.Invalid(errors.getFirst().message(), errors);
        }
        return new SendWindow(allowed, start, end);
    }

    /** The days as the API writes them ({@code ["MON","FRI"]}), Monday first. */
    public List<String> dayNames() {
        return EnumSet.copyOf(days).stream().map(d -> d.name().substring(0, 3)).toList();
    }

    /** {@code from} as the API writes it. */
    public String fromText() {
        return from.format(HH_MM);
    }

    /** {@code to} as the API writes it: {@code "24:00"} for the end of the day, which {@link #to()} holds as 00:00. */
    public String toText() {
        return to.equals(LocalTime.MIDNIGHT) ? "24:00" : to.format(HH_MM);
    }

    /** Whether a message may be handed to a provider at instant {@code t} for a recipient in {@code zone}. */
    public boolean isOpen(Instant t, ZoneId zone) {
        LocalDate today = LocalDate.ofInstant(t, zone);
        for (LocalDate d = today.minusDays(2); !d.isAfter(today); d = d.plusDays(1)) {
            Opening o = openingOn(d, zone);
            if (o != null && o.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** The first instant {@code >= t} at which the window is open for {@code zone} ({@code t} itself when open). */
    public Instant nextOpening(Instant t, ZoneId zone) {
        if (isOpen(t, zone)) {
            return t;
        }
        LocalDate today = LocalDate.ofInstant(t, zone);
        for (LocalDate d = today.minusDays(1); d.isBefore(today.plusDays(DATES_AHEAD)); d = d.plusDays(1)) {
            Opening o = openingOn(d, zone);
            if (o != null && !o.start().isBefore(t)) {
                return o.start();
            }
        }
        throw new IllegalStateException("no opening of " + this + " in " + zone + " within " + DATES_AHEAD + " days of " + t);
    }

    /**
     * When the opening that contains {@code t} ends: the first instant {@code > t} at which the window is
     * closed (openings that meet, as whole days do, count as one). A window open around the clock (every
     * day, 00:00–24:00) never closes; for it this answers the end of the last day it looks at, about two
     * weeks on, a real instant a caller can store and simply check again then. Only valid when
     * {@code isOpen(t, zone)}.
     */
    public Instant closesAfter(Instant t, ZoneId zone) {
        LocalDate today = LocalDate.ofInstant(t, zone);
        Instant end = null;
        LocalDate d = today.minusDays(2);
        for (; !d.isAfter(today) && end == null; d = d.plusDays(1)) {
            Opening o = openingOn(d, zone);
            if (o != null && o.contains(t)) {
                end = o.end();
            }
        }
        if (end == null) {
            throw new IllegalArgumentException("the window is closed at " + t + " in " + zone);
        }
        for (; d.isBefore(today.plusDays(DATES_AHEAD)); d = d.plusDays(1)) {
            Opening o = openingOn(d, zone);
            if (o == null) {
                continue;
            }
            if (o.start().isAfter(end)) {
                return end;
            }
            if (o.end().isAfter(end)) {
                end = o.end();
            }
        }
        return end;
    }

    /** Whether an opening runs past midnight into the next date (whole days included). */
    public boolean overnight() {
        return !to.isAfter(from);
    }

    /** The opening that starts on local date {@code date}, or null when the day is not allowed or DST leaves it empty. */
    private Opening openingOn(LocalDate date, ZoneId zone) {
        if (!days.contains(date.getDayOfWeek())) {
            return null;
        }
        Instant start = firstInstantAt(date.atTime(from), zone);
        Instant end = firstInstantAt((overnight() ? date.plusDays(1) : date).atTime(to), zone);
        return end.isAfter(start) ? new Opening(start, end) : null;
    }

    /** The first instant whose local time is {@code local}, or the end of the gap when DST skips it. */
    private static Instant firstInstantAt(LocalDateTime local, ZoneId zone) {
        var rules = zone.getRules();
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(local);
            return gap.getInstant();
        }
        return local.toInstant(offsets.getFirst());
    }

    private static DayOfWeek day(String text) {
        if (text == null) {
            return null;
        }
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().substring(0, 3).equalsIgnoreCase(text.strip())) {
                return d;
            }
        }
        return null;
    }

    private static LocalTime time(String text, boolean endOfDayAllowed, String field, List<Failure.FieldError> errors) {
        if (text == null || text.isBlank()) {
            errors.add(new Failure.FieldError(field, "required", field + " is required, as HH:mm"));
            return null;
        }
        String t = text.strip();
        if (endOfDayAllowed && t.equals("24:00")) {
            return LocalTime.MIDNIGHT;
        }
        try {
            return LocalTime.parse(t, HH_MM);
        } catch (DateTimeParseException e) {
            errors.add(new Failure.FieldError(field, "invalid", field + " '" + t + "' is not a time of day as HH:mm (00:00 to 23:59"
                    + (endOfDayAllowed ? ", or 24:00)" : ")")));
            return null;
        }
    }

    private record Opening(Instant start, Instant end) {
        boolean contains(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }
}
