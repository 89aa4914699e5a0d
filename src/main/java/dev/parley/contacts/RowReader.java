package dev.parley.contacts;

import dev.parley.core.Json;
import java.util.LinkedHashMap;

/**
 * Turns one CSV record into a normalised contact input through a {@link ColumnMapping}, or into the
 * reason it is rejected (the whole row is rejected; nothing of it is stored half-valid).
 */
final class RowReader {
    /**
     * A row: {@code input} when usable, else {@code problem}; {@code fields} are the raw cells for the rejects report.
     * {@code attributesJson} is {@code input}'s attributes as stored ({@link Json#writeStrings}), made here so that an
     * import's reading thread does it rather than its writing thread, which is the slower of the two.
     */
    record Row(long line, String[] fields, ContactInput input, String problem, String attributesJson) {
        Row(long line, String[] fields, String problem) {
            this(line, fields, null, problem, null);
        }
    }

    private final ColumnMapping mapping;
    private final String region;
    private final int phoneColumn;
    private final int emailColumn;
    private final int firstColumn;
    private final int lastColumn;
    private final int zoneColumn;
    private final int localeColumn;

    RowReader(ColumnMapping mapping, String region) {
        this.mapping = mapping;
        this.region = region;
        this.phoneColumn = mapping.targets().indexOf("phone");
        this.emailColumn = mapping.targets().indexOf("email");
        this.firstColumn = mapping.targets().indexOf("firstName");
        this.lastColumn = mapping.targets().indexOf("lastName");
        this.zoneColumn = mapping.targets().indexOf("timezone");
        this.localeColumn = mapping.targets().indexOf("locale");
    }

    Row read(CsvParser.Record record) {
        String[] f = record.fields();
        if (record.problem() != null) {
            return new Row(record.line(), f, record.problem());
        }
        int columns = mapping.headers().size();
        if (f.length != columns) {
            return new Row(record.line(), f, "the row has " + f.length + " columns; the header has " + columns);
        }
        for (String cell : f) {
            if (cell.indexOf('\uFFFD') >= 0) {
                return new Row(record.line(), f, "the row is not valid UTF-8 text");
            }
        }
        LinkedHashMap<String, Object> attributes = null;
        for (int i = 0; i < columns; i++) {
            String target = mapping.targets().get(i);
            if (target.startsWith("attributes.") && !f[i].isBlank()) {
                if (attributes == null) {
                    attributes = new LinkedHashMap<>();
                }
                attributes.put(target.substring(11), f[i].strip());
            }
        }
        String p = cell(f, phoneColumn);
        String e = cell(f, emailColumn);
        if ((p == null || p.isBlank()) && (e == null || e.isBlank())) {
            return new Row(record.line(), f, "the row has neither a phone number nor an email address");
        }
        ContactInput.Result r = ContactInput.normaliseOwned(p, e, cell(f, firstColumn), cell(f, lastColumn), cell(f, zoneColumn),
                cell(f, localeColumn), attributes, region);
        return r.input() == null
                ? new Row(record.line(), f, r.problem())
                : new Row(record.line(), f, r.input(), null, Json.writeStrings(r.input().attributes()));
    }

    private static String cell(String[] f, int i) {
        return i < 0 ? null : f[i];
    }
}
