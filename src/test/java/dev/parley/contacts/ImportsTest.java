package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** CSV imports with real files (src/test/resources/imports), on H2 and PostgreSQL. */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImportsTest {
    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    Http http;
    String owner;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind, Map.of("PARLEY_MAX_IMPORT_BYTES", "2000000"));
        http = server.http();
        server.tenant("Imports", "owner@imports.test", "owner-password-i");
        owner = server.login("owner@imports.test", "owner-password-i");
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    static byte[] fixture(String name) {
        try (InputStream in = ImportsTest.class.getResourceAsStream("/imports/" + name)) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw new AssertionError("missing fixture " + name, e);
        }
    }

    Http.Response upload(String path, byte[] file, String query) {
        return http.post(path + "?" + query).bearer(owner).raw("text/csv", file).send();
    }

    /** Starts an import and waits (polling, with a deadline) until it has finished. */
    JsonNode importAndWait(byte[] file, String query) {
        Http.Response created = upload("/v1/imports", file, query);
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        return waitFor(created.json().get("id").asText());
    }

    JsonNode waitFor(String id) {
        return waitFor(http, owner, id);
    }

    /** Polls import {@code id} (with a deadline) until it has finished. */
    static JsonNode waitFor(Http http, String token, String id) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = http.get("/v1/imports/" + id).bearer(token).send().json();
            String status = job.get("status").asText();
            if (!status.equals("queued") && !status.equals("running")) {
                return job;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("import " + id + " did not finish in time");
    }

    static String q(String listName) {
        return "listName=" + URLEncoder.encode(listName, StandardCharsets.UTF_8) + "&region=GB";
    }

    JsonNode contactByPhone(String phone) {
        JsonNode page = http.get("/v1/contacts?phone=" + URLEncoder.encode(phone, StandardCharsets.UTF_8)).bearer(owner).send().json();
        return page.get("data").size() == 0 ? null : page.get("data").get(0);
    }

    @Test
    void quotedCommasAndDoubledQuotesAreRead() {
        JsonNode job = importAndWait(fixture("quoted-commas.csv"), q("quoted") + "&unmappedAsAttributes=true");
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("imported").asLong()).isEqualTo(2);
        JsonNode bob = contactByPhone("+447911123457");
        assertThat(bob.get("lastName").asText()).isEqualTo("O\"Neil");
        assertThat(bob.get("email").asText()).isEqualTo("bob@example.com");
        assertThat(contactByPhone("+447911123456").get("attributes").get("City").asText()).isEqualTo("London, UK");
    }

    @Test
    void embeddedNewlinesStayInTheirField() {
        JsonNode job = importAndWait(fixture("embedded-newlines.csv"), q("newlines") + "&unmappedAsAttributes=true");
        assertThat(job.get("imported").asLong()).isEqualTo(2);
        assertThat(contactByPhone("+447911123460").get("attributes").get("notes").asText()).isEqualTo("line one\nline two\nline three");
    }

    @Test
    void bomAndSemicolonsAreDetected() {
        Http.Response preview = upload("/v1/imports/preview", fixture("bom-semicolons.csv"), "region=GB");
        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        assertThat(preview.json().get("encoding").asText()).isEqualTo("UTF-8 (BOM)");
        assertThat(preview.json().get("delimiter").asText()).isEqualTo(";");
        assertThat(preview.json().get("headers").get(0).asText()).isEqualTo("phone");
        JsonNode job = importAndWait(fixture("bom-semicolons.csv"), q("bom"));
        assertThat(job.get("imported").asLong()).isEqualTo(2);
    }

    @Test
    void blankLinesAreSkipped() {
        JsonNode job = importAndWait(fixture("blank-lines.csv"), q("blank"));
        assertThat(job.get("processed").asLong()).isEqualTo(2);
        assertThat(job.get("imported").asLong()).isEqualTo(2);
        assertThat(job.get("rejected").asLong()).isZero();
    }

    @Test
    void duplicateRowsMergeIntoOneContactAndRerunCreatesNoTwins() {
        JsonNode job = importAndWait(fixture("duplicates.csv"), q("dups"));
        assertThat(job.get("imported").asLong()).isEqualTo(1);
        assertThat(job.get("unchanged").asLong() + job.get("updated").asLong()).isEqualTo(3);
        JsonNode again = importAndWait(fixture("duplicates.csv"), q("dups"));
        assertThat(again.get("imported").asLong()).isZero();
        JsonNode all = http.get("/v1/contacts?email=ivy@example.com").bearer(owner).send().json();
        assertThat(all.get("data")).hasSize(1);
        assertThat(all.get("data").get(0).get("firstName").asText()).isEqualTo("Ivy");
    }

    @Test
    void invalidNumbersAndEmailsAreRejectedWithLineAndReason() {
        JsonNode job = importAndWait(fixture("invalid.csv"), q("invalid"));
        assertThat(job.get("imported").asLong()).isEqualTo(1);
        assertThat(job.get("rejected").asLong()).isEqualTo(4);
        Http.Response rejects = http.get("/v1/imports/" + job.get("id").asText() + "/rejects").bearer(owner).send();
        assertThat(rejects.status()).isEqualTo(200);
        assertThat(rejects.header("Content-Type")).startsWith("text/csv");
        String[] lines = rejects.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("line,reason,phone,email,first name");
        assertThat(lines).hasSize(5);
        assertThat(lines[1]).startsWith("2,").contains("12345").contains("Bad1");
        assertThat(lines[4]).startsWith("5,").contains("not a valid address").contains("Bad4");
        assertThat(contactByPhone("+447911123500")).as("a row is never stored half-valid").isNull();
    }

    @Test
    void nationalNumbersAreReadInTheGivenRegion() {
        JsonNode job = importAndWait(fixture("national-gb.csv"), q("national"));
        assertThat(job.get("imported").asLong()).as(job.toString()).isEqualTo(3);
        assertThat(contactByPhone("+447911123510").get("firstName").asText()).isEqualTo("Nat1");
        assertThat(contactByPhone("+447911123511").get("firstName").asText()).isEqualTo("Nat2");
        assertThat(contactByPhone("+442079460018").get("firstName").asText()).isEqualTo("Landline");
    }

    @Test
    void fileWithNoValidRowsCompletesWithEveryRowRejected() {
        JsonNode job = importAndWait(fixture("no-valid-rows.csv"), q("none"));
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("imported").asLong()).isZero();
        assertThat(job.get("rejected").asLong()).isEqualTo(2);
    }

    @Test
    void emptyFileIsRefusedWithAReason() {
        Http.Response r = upload("/v1/imports", fixture("empty.csv"), q("empty"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).contains("empty");
    }

    @Test
    void truncatedFileKeepsCompleteRowsAndRejectsTheCutOne() {
        JsonNode job = importAndWait(fixture("truncated.csv"), q("truncated"));
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("imported").asLong()).isEqualTo(1);
        assertThat(job.get("rejected").asLong()).isEqualTo(1);
        String rejects = http.get("/v1/imports/" + job.get("id").asText() + "/rejects").bearer(owner).send().body();
        assertThat(rejects).contains("cut short");
        assertThat(contactByPhone("+447911123521")).isNull();
    }

    @Test
    void binaryFilesAreRefusedWithAReason() {
        byte[] binary = new byte[4096];
        new java.util.Random(7).nextBytes(binary);
        binary[10] = 0;
        Http.Response r = upload("/v1/imports", binary, q("binary"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).contains("binary");
        byte[] xlsx = {'P', 'K', 3, 4, 20, 0, 6, 0};
        assertThat(upload("/v1/imports/preview", xlsx, "").json().get("detail").asText()).contains("xlsx");
        byte[] utf16 = "\uFEFFphone,email\n".getBytes(StandardCharsets.UTF_16LE);
        byte[] withBom = new byte[utf16.length];
        System.arraycopy(utf16, 0, withBom, 0, utf16.length);
        assertThat(upload("/v1/imports", withBom, q("utf16")).json().get("detail").asText()).contains("UTF-16");
    }

    @Test
    void tenThousandColumnHeaderIsRefused() {
        StringBuilder header = new StringBuilder("phone");
        for (int i = 1; i < 10_000; i++) {
            header.append(",c").append(i);
        }
        byte[] file = (header + "\n+447911123530" + ",x".repeat(9_999) + "\n").getBytes(StandardCharsets.UTF_8);
        Http.Response r = upload("/v1/imports", file, q("wide"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).contains("more than 1000 columns");
        assertThat(http.get("/v1/imports").bearer(owner).send().body()).doesNotContain("wide");
    }

    @Test
    void fillBlanksFillsOnlyEmptyFieldsAndOverwriteReplacesThem() {
        importAndWait("phone,email,first name,surname,city\n+447911123600,,Pat,,Leeds\n".getBytes(StandardCharsets.UTF_8), q("policy"));
        byte[] second = "phone,email,first name,surname,city\n+447911123600,pat@example.com,Patricia,Jones,York\n"
                .getBytes(StandardCharsets.UTF_8);
        JsonNode filled = importAndWait(second, q("policy") + "&unmappedAsAttributes=true");
        assertThat(filled.get("updated").asLong()).isEqualTo(1);
        JsonNode pat = contactByPhone("+447911123600");
        assertThat(pat.get("email").asText()).isEqualTo("pat@example.com");
        assertThat(pat.get("firstName").asText()).as("fillBlanks keeps what is there").isEqualTo("Pat");
        assertThat(pat.get("lastName").asText()).isEqualTo("Jones");
        JsonNode overwritten = importAndWait(second, q("policy") + "&unmappedAsAttributes=true&policy=overwrite");
        assertThat(overwritten.get("updated").asLong()).isEqualTo(1);
        assertThat(overwritten.get("imported").asLong()).isZero();
        pat = contactByPhone("+447911123600");
        assertThat(pat.get("firstName").asText()).isEqualTo("Patricia");
        assertThat(pat.get("attributes").get("city").asText()).isEqualTo("York");
        JsonNode blank = importAndWait("phone,first name\n+447911123600,\n".getBytes(StandardCharsets.UTF_8),
                q("policy") + "&policy=overwrite");
        assertThat(blank.get("unchanged").asLong()).as("a blank cell never erases").isEqualTo(1);
        assertThat(contactByPhone("+447911123600").get("firstName").asText()).isEqualTo("Patricia");
    }

    /**
     * An overwrite row moves a contact's phone to a new number and a later row of the same chunk takes the freed
     * number for a new contact: the update reaches the database before the insert, so the unique index has nothing
     * to refuse (it refused the insert on every retry, and the import failed, while new contacts went first).
     */
    @Test
    void anOverwriteThatMovesAPhoneLetsALaterRowTakeIt() {
        importAndWait("phone,email\n+447911123620,move@example.com\n".getBytes(StandardCharsets.UTF_8), q("move"));
        JsonNode job = importAndWait("phone,email\n+447911123621,move@example.com\n+447911123620,taker@example.com\n"
                .getBytes(StandardCharsets.UTF_8), q("move") + "&policy=overwrite");
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("updated").asLong()).isEqualTo(1);
        assertThat(job.get("imported").asLong()).isEqualTo(1);
        assertThat(contactByPhone("+447911123621").get("email").asText()).isEqualTo("move@example.com");
        assertThat(contactByPhone("+447911123620").get("email").asText()).isEqualTo("taker@example.com");
    }

    /**
     * A stored contact is found by its email when the row's phone is new (the lookup's second pass, for emails no
     * contact found by phone has), and one found by phone is not looked up again by its email: both rows update,
     * neither makes a twin.
     */
    @Test
    void aRowIsMatchedByItsEmailWhenItsPhoneIsNew() {
        importAndWait("phone,email,first name\n,mail-only@example.com,Mo\n+447911123630,both@example.com,\n"
                .getBytes(StandardCharsets.UTF_8), q("by-email"));
        JsonNode job = importAndWait("phone,email,first name\n+447911123631,MAIL-ONLY@example.com,\n+447911123630,both@example.com,Bo\n"
                .getBytes(StandardCharsets.UTF_8), q("by-email"));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("imported").asLong()).as(job.toString()).isZero();
        assertThat(job.get("updated").asLong()).isEqualTo(2);
        JsonNode mo = contactByPhone("+447911123631");
        assertThat(mo.get("email").asText()).isEqualTo("mail-only@example.com");
        assertThat(mo.get("firstName").asText()).isEqualTo("Mo");
        assertThat(contactByPhone("+447911123630").get("firstName").asText()).isEqualTo("Bo");
    }

    @Test
    void rowWhosePhoneAndEmailBelongToTwoContactsIsRejected() {
        importAndWait("phone,email\n+447911123610,one@example.com\n+447911123611,two@example.com\n"
                .getBytes(StandardCharsets.UTF_8), q("two"));
        JsonNode job = importAndWait("phone,email\n+447911123610,two@example.com\n".getBytes(StandardCharsets.UTF_8), q("two"));
        assertThat(job.get("rejected").asLong()).isEqualTo(1);
        String rejects = http.get("/v1/imports/" + job.get("id").asText() + "/rejects").bearer(owner).send().body();
        assertThat(rejects).contains("2,").contains("belongs to one contact");
        assertThat(contactByPhone("+447911123610").get("email").asText()).isEqualTo("one@example.com");
    }

    @Test
    void existingContactsJoinTheListAndRowsAcrossChunksMergeWithoutTwins() {
        int rows = ImportRun.CHUNK + 2_000;
        StringBuilder file = new StringBuilder("phone,email,first name\n");
        for (int i = 0; i < rows; i++) {
            int n = i >= ImportRun.CHUNK + 1_000 ? i - ImportRun.CHUNK : i;
            file.append(String.format("+4479%08d,chunk%d@example.com,C%d%n", 10_000_000 + n, n, n));
        }
        byte[] bytes = file.toString().getBytes(StandardCharsets.UTF_8);
        JsonNode first = importAndWait(bytes, q("chunks-a"));
        assertThat(first.get("imported").asLong()).isEqualTo(ImportRun.CHUNK + 1_000);
        assertThat(first.get("unchanged").asLong()).as("repeats of the first chunk's rows").isEqualTo(1_000);
        JsonNode again = importAndWait(bytes, q("chunks-b"));
        assertThat(again.get("imported").asLong()).isZero();
        assertThat(again.get("unchanged").asLong()).isEqualTo(rows);
        String listId = listIdNamed("chunks-b");
        assertThat(listId).isNotNull();
        java.util.Set<String> members = new java.util.HashSet<>();
        String cursor = "";
        do {
            JsonNode page = http.get("/v1/lists/" + listId + "/members?limit=200&cursor=" + cursor).bearer(owner).send().json();
            page.get("data").forEach(c -> members.add(c.get("id").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertThat(members).as("every existing contact joined the second list once").hasSize(ImportRun.CHUNK + 1_000);
        assertThat(contactByPhone("+447910000000").get("firstName").asText()).isEqualTo("C0");
    }

    /**
     * A chunk's new contacts are written in phone order, then email order for those with no phone, whatever the file's
     * order (so that the phone index takes them as one ascending run), and their ids follow that order. The addresses
     * are chosen so that every row goes to the same writer, whose one chunk then holds them all.
     */
    @Test
    void newContactsAreWrittenInPhoneOrderWithIdsInThatOrder() {
        int writers = kind == TestDatabase.Kind.POSTGRESQL ? 2 : 1;
        java.util.List<String> phones = java.util.stream.IntStream.range(0, 100)
                .mapToObj(n -> String.format("+4479003000%02d", n))
                .filter(p -> ImportRun.writerByAddress(AddressFilter.key(p), 0, writers) == 0).limit(3).toList();
        java.util.List<String> emails = java.util.stream.IntStream.range(0, 100).mapToObj(n -> "order" + n + "@example.com")
                .filter(e -> ImportRun.writerByAddress(0, AddressFilter.key(e), writers) == 0).limit(2).sorted().toList();
        String file = "phone,email\n" + phones.get(2) + ",\n," + emails.get(1) + "\n" + phones.get(0) + ",\n," + emails.get(0)
                + "\n" + phones.get(1) + ",\n";
        JsonNode job = importAndWait(file.getBytes(StandardCharsets.UTF_8), q("write-order"));
        assertThat(job.get("imported").asLong()).as(job.toString()).isEqualTo(5);
        JsonNode page = http.get("/v1/lists/" + listIdNamed("write-order") + "/members?limit=10").bearer(owner).send().json();
        java.util.TreeMap<String, String> byId = new java.util.TreeMap<>();
        page.get("data").forEach(c -> byId.put(c.get("id").asText(),
                c.get("phone").isNull() ? c.get("email").asText() : c.get("phone").asText()));
        assertThat(byId.values()).containsExactly(phones.get(0), phones.get(1), phones.get(2), emails.get(0), emails.get(1));
    }

    /**
     * A contact created by someone else while an import runs, after the import made its address filter, is still
     * found: the import's insert of a twin is refused by the unique index and the chunk is retried with every
     * address looked up, so the row updates that contact and no twin exists. The contact is made when the first
     * chunk commits; its phone is on the file's last line, in a chunk its writer reaches at least three chunks later
     * (a writer's queue holds one chunk, so the reader cannot have handed the last one over yet).
     */
    @Test
    void aContactCreatedWhileAnImportRunsIsMergedNotTwinned() throws Exception {
        var tenant = server.tenant("Filter", "owner@filter.test", "owner-password-f");
        String token = server.login("owner@filter.test", "owner-password-f");
        int rows = 4 * ImportRun.CHUNK * server.parley().database().dialect().importWriters() + 5;
        StringBuilder file = new StringBuilder("phone,email,first name\n");
        for (int i = 0; i < rows; i++) {
            file.append(String.format("+4479%08d,late%d@example.com,L%d%n", 20_000_000 + i, i, i));
        }
        java.nio.file.Path csv = java.nio.file.Files.createTempFile("parley-filter-", ".csv");
        try {
            java.nio.file.Files.writeString(csv, file);
            String latePhone = String.format("+4479%08d", 20_000_000 + rows - 1);
            var imports = server.parley().imports();
            ImportJob job = imports.accept(tenant.tenantId(), csv, "filter.csv",
                    ImportRoutes.options(Map.of("listName", "filter", "region", "GB")), null, true);
            java.util.concurrent.atomic.AtomicReference<String> made = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
            ImportJob done = imports.runHere(tenant.tenantId(), job, csv, progress -> {
                if (progress.processed() > 0 && first.compareAndSet(true, false)) {
                    Http.Response created = http.post("/v1/contacts").bearer(token)
                            .json(Map.of("phone", latePhone, "lastName", "Early")).send();
                    assertThat(created.status()).as(created.body()).isEqualTo(201);
                    made.set(created.json().get("id").asText());
                }
            });
            assertThat(made.get()).as("the contact was made after the first chunk").isNotNull();
            assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("completed");
            assertThat(done.imported()).isEqualTo(rows - 1);
            assertThat(done.updated()).isEqualTo(1);
            JsonNode page = http.get("/v1/contacts?phone=" + URLEncoder.encode(latePhone, StandardCharsets.UTF_8)).bearer(token).send().json();
            assertThat(page.get("data")).as("one contact for the phone").hasSize(1);
            JsonNode contact = page.get("data").get(0);
            assertThat(contact.get("id").asText()).isEqualTo(made.get());
            assertThat(contact.get("lastName").asText()).isEqualTo("Early");
            assertThat(contact.get("firstName").asText()).as("filled by the import").isEqualTo("L" + (rows - 1));
        } finally {
            java.nio.file.Files.deleteIfExists(csv);
        }
    }

    /**
     * Rows that share an email but not a phone would go to different writers by their phones; the import sends the
     * second to the writer of the first, still in flight, so they apply in file order as with one writer: the first
     * makes the contact, the second (fill blanks) finds its phone and name taken and changes nothing.
     */
    @Test
    void rowsAboutOnePersonApplyInFileOrderAcrossWriters() throws Exception {
        var tenant = server.tenant("Shared", "owner@shared.test", "owner-password-s");
        int pairs = 3_000;
        StringBuilder file = new StringBuilder("phone,email,first name\n");
        for (int i = 0; i < pairs; i++) {
            file.append(String.format("+4479%08d,shared%d@example.com,A%d%n", 30_000_000 + i, i, i));
            file.append(String.format("+4479%08d,shared%d@example.com,B%d%n", 40_000_000 + i, i, i));
        }
        java.nio.file.Path csv = java.nio.file.Files.createTempFile("parley-shared-", ".csv");
        try {
            java.nio.file.Files.writeString(csv, file);
            var imports = server.parley().imports();
            ImportJob job = imports.accept(tenant.tenantId(), csv, "shared.csv",
                    ImportRoutes.options(Map.of("listName", "shared", "region", "GB")), null, true);
            ImportJob done = imports.runHere(tenant.tenantId(), job, csv, progress -> { });
            assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("completed");
            assertThat(done.imported()).isEqualTo(pairs);
            assertThat(done.unchanged()).isEqualTo(pairs);
            assertThat(done.updated() + done.rejected()).isZero();
            var rows = server.parley().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT email, phone FROM contact WHERE tenant_id = :tenant").bind("tenant", tenant.tenantId())
                    .mapToMap(String.class).list());
            assertThat(rows).as("one contact per email").hasSize(pairs);
            for (var row : rows) {
                int i = Integer.parseInt(row.get("email").replaceAll("\\D", ""));
                assertThat(row.get("phone")).as("the first row's phone").isEqualTo(String.format("+4479%08d", 30_000_000 + i));
            }
            long members = server.parley().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM list_member WHERE tenant_id = :tenant").bind("tenant", tenant.tenantId()).mapTo(Long.class).one());
            assertThat(members).as("each contact joined the list once").isEqualTo(pairs);
        } finally {
            java.nio.file.Files.deleteIfExists(csv);
        }
    }

    String listIdNamed(String name) {
        for (JsonNode l : http.get("/v1/lists?limit=100").bearer(owner).send().json().get("data")) {
            if (l.get("name").asText().equals(name)) {
                return l.get("id").asText();
            }
        }
        return null;
    }
}
