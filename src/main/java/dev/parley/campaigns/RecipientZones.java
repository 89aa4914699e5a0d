package dev.parley.campaigns;

import java.time.DateTimeException;
import java.time.ZoneId;

/** Temporary stand-in (same contract) for the recipient time zone lookup being written on another branch. */
public final class RecipientZones {
    public ZoneId zoneFor(String contactTimezone, String phoneE164, ZoneId fallback) {
        if (contactTimezone != null) {
            try {
                return ZoneId.of(contactTimezone);
            } catch (DateTimeException e) {
                return fallback;
            }
        }
        return fallback;
    }
}
