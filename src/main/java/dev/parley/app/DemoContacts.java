package dev.parley.app;

import java.util.List;
import java.util.Random;

/**
 * The demo's 1,000 people, as the CSV file a user would upload. Names are common first and last names
 * drawn at random (so they look real) from a fixed seed (so every run makes the same file and a second
 * import changes nothing); every address is one that reaches nobody:
 * <ul>
 *   <li>UK numbers from Ofcom's ranges reserved for drama (020 7946 0xxx, 0161 496 0xxx, 0113 496 0xxx),
 *       written in national form so the import's region {@code GB} is what reads them;</li>
 *   <li>US numbers 555-0100 to 555-0199, the exchange reserved for fiction, in five area codes;</li>
 *   <li>emails at {@code example.com} and {@code example.org} (RFC 2606).</li>
 * </ul>
 * The one thing to know: Ofcom's mobile drama range, 07700 900xxx, is <em>not</em> used although it is
 * the famous one, because libphonenumber does not call it valid and the import would reject every row.
 * One person in twenty has no phone, as in any real list.
 */
final class DemoContacts {
    static final int COUNT = 1000;
    static final String HEADER = "first_name,last_name,phone,email,timezone,city,plan";

    private static final List<String> FIRST = List.of("Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Freya", "Lily",
            "Emily", "Sophie", "Ella", "Chloe", "Ruby", "Evie", "Poppy", "Alice", "Harriet", "Zara", "Priya", "Aisha",
            "Oliver", "George", "Noah", "Arthur", "Harry", "Leo", "Jack", "Charlie", "Oscar", "Jacob", "Thomas", "James",
            "William", "Henry", "Samuel", "Daniel", "Joseph", "Omar", "Ravi", "Kwame", "Liam", "Ethan", "Mason", "Lucas",
            "Sofia", "Emma", "Madison", "Abigail", "Camila", "Maya");
    private static final List<String> LAST = List.of("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson",
            "Davies", "Patel", "Wright", "Robinson", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
            "Wood", "Jackson", "Clarke", "Hughes", "Edwards", "Khan", "Lewis", "Harris", "Martin", "Cooper", "King", "Lee",
            "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Anderson", "Moore", "Okafor", "Nguyen", "Murphy");
    private static final List<String> PLANS = List.of("free", "free", "free", "plus", "plus", "pro");

    private record Place(String city, String timezone, String nationalPrefix) {}

    private static final List<Place> UK = List.of(
            new Place("London", "Europe/London", "020 7946 0"),
            new Place("Manchester", "Europe/London", "0161 496 0"),
            new Place("Leeds", "Europe/London", "0113 496 0"));
    private static final List<Place> US = List.of(
            new Place("Washington", "America/New_York", "+1 202-555-01"),
            new Place("New York", "America/New_York", "+1 212-555-01"),
            new Place("Chicago", "America/Chicago", "+1 312-555-01"),
            new Place("San Francisco", "America/Los_Angeles", "+1 415-555-01"),
            new Place("Seattle", "America/Los_Angeles", "+1 206-555-01"));

    private DemoContacts() {}

    /** The whole file: a header and {@link #COUNT} rows, half in the UK and half in the US. */
    static String csv() {
        Random random = new Random(20_260_301L);
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < COUNT; i++) {
            int k = i / 2;
            String phone;
            Place place;
            if (i % 2 == 0) {
                place = UK.get(k % UK.size());
                phone = place.nationalPrefix() + String.format("%03d", k / UK.size());
            } else {
                place = US.get(k / 100);
                phone = place.nationalPrefix() + String.format("%02d", k % 100);
            }
            if (i % 20 == 19) {
                phone = "";
            }
            String first = FIRST.get(random.nextInt(FIRST.size()));
            String last = LAST.get(random.nextInt(LAST.size()));
            String email = (first + "." + last).toLowerCase(java.util.Locale.ROOT) + "." + (i + 1)
                    + (i % 3 == 0 ? "@example.org" : "@example.com");
            out.append(String.join(",", first, last, phone, email, place.timezone(), place.city(),
                    PLANS.get(random.nextInt(PLANS.size())))).append('\n');
        }
        return out.toString();
    }

    /** A demo number that receives SMS in the printed curl example (the first person's, in E.164). */
    static String exampleNumber() {
        return "+442079460000";
    }
}
