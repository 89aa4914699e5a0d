package dev.parley.contacts;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming RFC 4180 reader: quoted fields with doubled quotes, delimiters and line breaks inside
 * quotes, CRLF, LF or CR line ends. Memory is bounded by the limits, not by the file: a record with
 * more than {@code maxFields} fields or more than {@code maxRecordChars} characters is read to its end
 * but kept only as a problem. Lenient where spreadsheets are sloppy (a quote inside an unquoted field is
 * kept as a character). Lines holding nothing but blanks and delimiters are skipped.
 *
 * <p>Line numbers are physical lines of the file, 1-based, as an editor shows them: a record that spans
 * three lines starts at the first.
 */
final class CsvParser {
    /** One record: its first line, its fields, or the problem that made it unusable (then fields may be partial). */
    record Record(long line, String[] fields, String problem) {}

    private final Reader reader;
    private final char delimiter;
    private final int maxFields;
    private final int maxRecordChars;
    private final char[] buffer = new char[65_536];
    /** The record and field being read, reused from record to record (a record hands out copies). */
    private final List<String> fields = new ArrayList<>();
    private final StringBuilder field = new StringBuilder();
    private int pos;
    private int limit;
    private long line = 1;
    private boolean eof;

    CsvParser(Reader reader, char delimiter, int maxFields, int maxRecordChars) {
        this.reader = reader;
        this.delimiter = delimiter;
        this.maxFields = maxFields;
        this.maxRecordChars = maxRecordChars;
    }

    /** The next non-blank record, or null at the end of the file. */
    Record next() throws IOException {
        while (true) {
            if (!fill()) {
                return null;
            }
            Record r = readRecord();
            if (r == null) {
                return null;
            }
            if (r.problem() != null || !blank(r.fields())) {
                return r;
            }
        }
    }

    private Record readRecord() throws IOException {
        long start = line;
        fields.clear();
        field.setLength(0);
        String problem = null;
        int chars = 0;
        boolean quoted = false;
        boolean afterQuote = false;
        boolean any = false;
        while (true) {
            if (!fill()) {
                if (quoted) {
                    return new Record(start, fields.toArray(String[]::new),
                            "the file ends inside a quoted field (was it cut short?)");
                }
                if (!any) {
                    return null;
                }
                fields.add(field.toString());
                return finish(start, fields, problem);
            }
            // An unquoted field that ends within the buffer is taken whole, not char by char (most fields of most files).
            String whole = quoted || afterQuote || !field.isEmpty() || problem != null ? null : unquotedField(chars);
            if (whole != null) {
                chars += whole.length();
            }
            char c = buffer[pos++];
            any = true;
            if (++chars > maxRecordChars && problem == null) {
                problem = "the row is longer than " + maxRecordChars + " characters";
            }
            if (quoted) {
                if (c == '"') {
                    if (peek() == '"') {
                        pos++;
                        append(field, '"', problem);
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n' || (c == '\r' && peek() != '\n')) {
                        line++;
                    }
                    append(field, c, problem);
                }
                continue;
            }
            if (c == delimiter) {
                if (fields.size() >= maxFields && problem == null) {
                    problem = "the row has more than " + maxFields + " columns";
                }
                if (problem == null) {
                    fields.add(whole != null ? whole : field.toString());
                }
                field.setLength(0);
                afterQuote = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && peek() == '\n') {
                    pos++;
                }
                line++;
                fields.add(whole != null ? whole : field.toString());
                return finish(start, fields, problem);
            } else if (c == '"' && field.isEmpty() && !afterQuote) {
                quoted = true;
            } else {
                append(field, c, problem);
            }
        }
    }

    /**
     * The unquoted field that starts at {@code pos}, if it ends (at a delimiter or line break, where {@code pos} is
     * left) within the buffer and within the record's length limit; else null, and the caller reads it char by char.
     */
    private String unquotedField(int chars) {
        if (buffer[pos] == '"') {
            return null;
        }
        int end = pos;
        while (end < limit && buffer[end] != delimiter && buffer[end] != '\n' && buffer[end] != '\r') {
            end++;
        }
        if (end == limit || chars + (end - pos) >= maxRecordChars) {
            return null;
        }
        String value = new String(buffer, pos, end - pos);
        pos = end;
        return value;
    }

    private Record finish(long start, List<String> fields, String problem) {
        if (problem == null && fields.size() > maxFields) {
            problem = "the row has more than " + maxFields + " columns";
        }
        return new Record(start, fields.toArray(String[]::new), problem);
    }

    private static void append(StringBuilder field, char c, String problem) {
        if (problem == null) {
            field.append(c);
        }
    }

    private int peek() throws IOException {
        if (!fill()) {
            return -1;
        }
        return buffer[pos];
    }

    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        if (eof) {
            return false;
        }
        int n = reader.read(buffer, 0, buffer.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private static boolean blank(String[] fields) {
        for (String f : fields) {
            if (!f.isBlank()) {
                return false;
            }
        }
        return true;
    }
}
