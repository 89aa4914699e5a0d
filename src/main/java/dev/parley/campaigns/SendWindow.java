package dev.parley.campaigns;

import dev.parley.core.Failure;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Temporary stand-in for the send window being written on another branch (same contract): allowed days and
 * local hours [from, to) in the recipient's zone.
 */
public record SendWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to) {

    public static SendWindow parse(List<String> days, String from, String to, String fieldPrefix) {
        Set<DayOfWeek> set = EnumSet.noneOf(DayOfWeek.class);
        if (days == null || days.isEmpty()) {
            set = EnumSet.allOf(DayOfWeek.class);
        } else {
            for (String d : days) {
                DayOfWeek found = null;
                for (DayOfWeek w : DayOfWeek.values()) {
                    if (d != null && w.name().substring(0, 3).equals(d.toUpperCase(Locale.ROOT))) {
                        found = w;
                    }
                }
                if (found == null) {
                    throw new Failure.Invalid(fieldPrefix + "days", "invalid", "days are MON, TUE, WED, THU, FRI, SAT, SUN");
                }
                set.add(found);
            }
        }
        LocalTime f = time(from, fieldPrefix + "from");
        LocalTime t = time(to, fieldPrefix + "to");
        if (!f.isBefore(t)) {
            throw new Failure.Invalid(fieldPrefix + "to", "range", fieldPrefix + "to must be after " + fieldPrefix + "from");
        }
        return new SendWindow(set, f, t);
    }

    private static LocalTime time(String value, String field) {
        try {
            return LocalTime.parse(value == null ? "" : value);
        } catch (DateTimeParseException e) {
            throw new Failure.Invalid(field, "invalid", field + " must be a time such as 09:00");
        }
    }

    public boolean isOpen(Instant t, ZoneId zone) {
        ZonedDateTime z = t.atZone(zone);
        LocalTime time = z.toLocalTime();
        return days.contains(z.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
    }

    public Instant nextOpening(Instant t, ZoneId zone) {
        if (isOpen(t, zone)) {
            return t;
        }
        LocalDate day = t.atZone(zone).toLocalDate();
        for (int i = 0; i < 15; i++) {
            LocalDate d = day.plusDays(i);
            if (days.contains(d.getDayOfWeek())) {
                Instant open = d.atTime(from).atZone(zone).toInstant();
                if (!open.isBefore(t) || isOpen(open, zone)) {
                    if (!open.isBefore(t)) {
                        return open;
                    }
                }
            }
        }
        throw new IllegalStateException("no opening within two weeks");
    }

    public Instant closesAfter(Instant t, ZoneId zone) {
        return t.atZone(zone).toLocalDate().atTime(to).atZone(zone).toInstant();
    }
}
