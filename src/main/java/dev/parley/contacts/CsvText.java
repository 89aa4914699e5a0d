package dev.parley.contacts;

/** Writes CSV text: fields quoted only when they hold a delimiter, quote or line break (RFC 4180). */
final class CsvText {
    private CsvText() {}

    static String record(String[] fields, int maxChars) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.length && out.length() < maxChars; i++) {
            if (i > 0) {
                out.append(',');
            }
            field(out, fields[i]);
        }
        return out.length() > maxChars ? out.substring(0, maxChars) : out.toString();
    }

    static void field(StringBuilder out, String value) {
        if (value == null) {
            return;
        }
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                || value.indexOf(';') >= 0 || value.indexOf('\t') >= 0;
        if (!quote) {
            out.append(value);
            return;
        }
        out.append('"').append(value.replace("\"", "\"\"")).append('"');
    }
}
