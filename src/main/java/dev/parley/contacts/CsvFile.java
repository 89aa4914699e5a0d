package dev.parley.contacts;

import dev.parley.core.Failure;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What an uploaded file is, decided from its first 64 KiB before anything is imported: its encoding
 * (UTF-8 with or without BOM; bytes that are not UTF-8 are read as Windows-1252, what spreadsheets on
 * Windows save as "CSV"), its delimiter (comma, semicolon, tab or pipe, whichever the header line holds
 * most of outside quotes) and a row-count estimate. Files that are not CSV text — empty, UTF-16/32,
 * spreadsheets, archives, PDFs, anything with NUL bytes — are refused here with a reason.
 */
record CsvFile(Path path, long bytes, String encoding, int bomBytes, char delimiter, long rowsEstimate) {
    static final int SAMPLE = 65_536;
    static final int MAX_COLUMNS = 1_000;
    static final int MAX_ROW_CHARS = 65_536;
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /** Inspects {@code path}; {@code delimiter} (may be null) overrides detection. */
    static CsvFile inspect(Path path, Character delimiter) {
        byte[] sample;
        long size;
        try (InputStream in = Files.newInputStream(path)) {
            size = Files.size(path);
            sample = in.readNBytes(SAMPLE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the stored upload " + path, e);
        }
        if (sample.length == 0) {
            throw invalid("the file is empty");
        }
        refuseNonText(sample);
        int bom = sample.length >= 3 && (sample[0] & 0xFF) == 0xEF && (sample[1] & 0xFF) == 0xBB && (sample[2] & 0xFF) == 0xBF ? 3 : 0;
        String encoding = validUtf8(sample, bom, sample.length == size) ? (bom > 0 ? "UTF-8 (BOM)" : "UTF-8") : "windows-1252";
        String text = new String(sample, bom, sample.length - bom, encoding.startsWith("UTF-8") ? StandardCharsets.UTF_8 : WINDOWS_1252);
        if (text.isBlank()) {
            throw invalid("the file holds only blank lines; it needs a header row and data rows");
        }
        char delim = delimiter != null ? delimiter : detectDelimiter(text);
        long newlines = text.chars().filter(c -> c == '\n').count();
        long estimate = sample.length == size ? Math.max(0, newlines - 1 + (text.endsWith("\n") ? 0 : 1))
                : Math.max(1, Math.round((double) size * newlines / sample.length) - 1);
        return new CsvFile(path, size, encoding, bom, delim, estimate);
    }

    /** A reader over the whole file in its encoding, after the BOM; undecodable bytes become U+FFFD. */
    Reader open() throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        in.skipNBytes(bomBytes);
        Charset charset = encoding.startsWith("UTF-8") ? StandardCharsets.UTF_8 : WINDOWS_1252;
        return new InputStreamReader(in, charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
    }

    CsvParser parser(Reader reader) {
        return new CsvParser(reader, delimiter, MAX_COLUMNS, MAX_ROW_CHARS);
    }

    private static void refuseNonText(byte[] s) {
        if (starts(s, 0xFF, 0xFE) || starts(s, 0xFE, 0xFF)) {
            throw invalid("the file is UTF-16; save it as \"CSV UTF-8\" and upload it again");
        }
        if (starts(s, 0x00, 0x00, 0xFE, 0xFF)) {
            throw invalid("the file is UTF-32; save it as \"CSV UTF-8\" and upload it again");
        }
        if (starts(s, 'P', 'K', 3, 4)) {
            throw invalid("the file is a ZIP archive (an Excel .xlsx workbook?), not CSV; save it as \"CSV UTF-8\"");
        }
        if (starts(s, 0xD0, 0xCF, 0x11, 0xE0)) {
            throw invalid("the file is an Excel .xls workbook, not CSV; save it as \"CSV UTF-8\"");
        }
        if (starts(s, '%', 'P', 'D', 'F')) {
            throw invalid("the file is a PDF, not CSV");
        }
        if (starts(s, 0x1F, 0x8B)) {
            throw invalid("the file is gzip-compressed; upload the uncompressed CSV");
        }
        int control = 0;
        for (byte b : s) {
            if (b == 0) {
                throw invalid("the file contains binary data (NUL bytes), not CSV text");
            }
            if ((b & 0xFF) < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != 0x0C) {
                control++;
            }
        }
        if (control > s.length / 100 + 1) {
            throw invalid("the file contains binary data (control bytes), not CSV text");
        }
    }

    private static boolean validUtf8(byte[] sample, int offset, boolean whole) {
        int end = sample.length;
        if (!whole) {
            // The sample may end inside a multi-byte character: drop an incomplete tail.
            int i = end - 1;
            int back = 0;
            while (i >= offset && back < 4 && (sample[i] & 0xC0) == 0x80) {
                i--;
                back++;
            }
            if (i >= offset && (sample[i] & 0x80) != 0) {
                end = i;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Arrays.copyOfRange(sample, offset, end)));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static char detectDelimiter(String text) {
        char[] candidates = {',', ';', '\t', '|'};
        int[] counts = new int[candidates.length];
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                if (Arrays.stream(counts).anyMatch(n -> n > 0)) {
                    break;
                }
            } else if (!quoted) {
                for (int k = 0; k < candidates.length; k++) {
                    if (c == candidates[k]) {
                        counts[k]++;
                    }
                }
            }
        }
        int best = 0;
        for (int k = 1; k < candidates.length; k++) {
            if (counts[k] > counts[best]) {
                best = k;
            }
        }
        return candidates[best];
    }

    private static boolean starts(byte[] s, int... prefix) {
        if (s.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((s[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static Failure.Invalid invalid(String message) {
        return new Failure.Invalid("file", "unreadable", message);
    }
}
