package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CsvParserTest {
    @Test
    void readsQuotedDelimitersLineBreaksAndDoubledQuotes() throws IOException {
        String csv = "a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n,,\nplain \"quote\",last\rend";
        assertThat(read(new StringReader(csv), ',', 10, 1_000)).containsExactly(
                "1 [a, b, c] null",
                "2 [x,1, say \"hi\", two\nlines] null",
                "5 [plain \"quote\", last] null",
                "6 [end] null");
    }

    @Test
    void marksRowsOverTheLimitsAndACutQuote() throws IOException {
        assertThat(read(new StringReader("a,b,c\nabcdefghij,k\n\"open"), ',', 2, 8)).containsExactly(
                "1 [] the row has more than 2 columns",
                "2 [] the row is longer than 8 characters",
                "3 [] the file ends inside a quoted field (was it cut short?)");
    }

    /**
     * Fields taken whole from the buffer and fields read char by char give the same records: the same random files
     * read whole and through a reader that hands over one to three chars at a time (so fields keep crossing the
     * buffer's end), with limits that some rows break.
     */
    @Test
    void readsTheSameRecordsWhateverTheReaderHandsOverAtATime() throws IOException {
        Random random = new Random(3);
        String alphabet = "ab ,;\"\n\r\té1";
        for (int file = 0; file < 300; file++) {
            StringBuilder csv = new StringBuilder();
            int length = random.nextInt(file < 290 ? 400 : 200_000);
            for (int i = 0; i < length; i++) {
                csv.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            char delimiter = file % 2 == 0 ? ',' : ';';
            int maxFields = 2 + random.nextInt(6);
            int maxChars = 5 + random.nextInt(60);
            List<String> whole = read(new StringReader(csv.toString()), delimiter, maxFields, maxChars);
            List<String> trickled = read(new Trickle(csv.toString(), random), delimiter, maxFields, maxChars);
            assertThat(whole).as("file %d", file).isEqualTo(trickled);
        }
    }

    private static List<String> read(Reader reader, char delimiter, int maxFields, int maxChars) throws IOException {
        CsvParser parser = new CsvParser(reader, delimiter, maxFields, maxChars);
        List<String> out = new ArrayList<>();
        CsvParser.Record r;
        while ((r = parser.next()) != null) {
            out.add(r.line() + " " + (r.problem() == null ? Arrays.toString(r.fields()) : "[]") + " " + r.problem());
        }
        return out;
    }

    /** A reader that returns one to three chars per read. */
    private static final class Trickle extends Reader {
        private final String text;
        private final Random random;
        private int at;

        Trickle(String text, Random random) {
            this.text = text;
            this.random = random;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            if (at >= text.length()) {
                return -1;
            }
            int n = Math.min(Math.min(length, 1 + random.nextInt(3)), text.length() - at);
            text.getChars(at, at + n, buffer, offset);
            at += n;
            return n;
        }

        @Override
        public void close() {}
    }
}
