package dev.parley.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.ParleyProcess;
import dev.parley.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * {@code parley import} as an OS process against the packaged jar, beside a running server on the same
 * database: the progress bar and summary on stderr, the report (job and rejected lines) as one JSON object
 * on stdout, a second run of the same file creating nothing, and bad input answered with one line and exit
 * code 2.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImportCommandIT {
    private static final String FILE = """
            Contact No,Mail,First Name,City
            +447911123456,ann@example.com,Ann,Leeds
            12345,bad@example.com,Bad,York
            07911 123457,"cat@example.com",Cat,"Hull, East Riding"
            +447911123456,,Ann Again,Leeds
            +447911123458,not-an-email,Dan,Bath
            ,eve@example.com,Eve,Ely
            """;

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(Databases.class)
    void importReportsProgressAndRejectsAndASecondRunCreatesNoTwins(TestDatabase.Kind kind, @TempDir Path dir) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind); ParleyProcess server = ParleyProcess.serve(db.settings())) {
            Map<String, String> env = db.settings();
            ParleyProcess.Result created = ParleyProcess.run(env, "tenant", "create", "--name", "Import Process",
                    "--admin-email", "owner@import.test", "--admin-password", "owner-password-1");
            assertThat(created.exitCode()).as(created.toString()).isZero();
            String tenantId = created.singleJsonObject().get("tenantId").asText();
            String apiKey = created.singleJsonObject().get("apiKey").asText();
            Path file = dir.resolve("people.csv");
            Files.writeString(file, FILE, StandardCharsets.UTF_8);
            String[] command = {"import", file.toString(), "--tenant", tenantId, "--list", "Process people", "--region", "GB",
                    "--mapping", "Contact No=phone,Mail=email", "--unmapped-as-attributes"};

            ParleyProcess.Result first = ParleyProcess.run(env, command);
            assertThat(first.exitCode()).as(first.toString()).isZero();
            assertThat(first.stderr()).as("progress bar").contains("100% 6/6 rows");
            assertThat(first.stderr()).contains("completed: 3 imported, 0 updated, 1 unchanged, 2 rejected");
            JsonNode report = first.singleJsonObject();
            JsonNode job = report.get("import");
            assertThat(job.get("status").asText()).isEqualTo("completed");
            assertThat(job.get("processed").asLong()).isEqualTo(6);
            assertThat(job.get("imported").asLong()).isEqualTo(3);
            assertThat(job.get("unchanged").asLong()).isEqualTo(1);
            assertThat(job.get("rejected").asLong()).isEqualTo(2);
            assertThat(job.get("mapping").get("Contact No").asText()).isEqualTo("phone");
            List<String> rejects = strings(report.get("firstRejects"));
            assertThat(rejects).hasSize(2);
            assertThat(rejects.get(0)).startsWith("3,").contains("12345").contains("not a valid number");
            assertThat(rejects.get(1)).startsWith("6,").contains("not-an-email").contains("not a valid address");

            ParleyProcess.Result second = ParleyProcess.run(env, command);
            assertThat(second.exitCode()).as(second.toString()).isZero();
            JsonNode again = second.singleJsonObject().get("import");
            assertThat(again.get("imported").asLong()).as("a second run creates nothing").isZero();
            assertThat(again.get("unchanged").asLong()).isEqualTo(4);
            assertThat(again.get("rejected").asLong()).isEqualTo(2);

            // The running server sees the same contacts: one per person, the national number in E.164.
            Http http = server.http();
            JsonNode contacts = http.get("/v1/contacts?limit=50").bearer(apiKey).send().json().get("data");
            assertThat(contacts).hasSize(3);
            assertThat(contacts.findValuesAsText("phone")).contains("+447911123456", "+447911123457");
            JsonNode cat = http.get("/v1/contacts?email=cat@example.com").bearer(apiKey).send().json().get("data").get(0);
            assertThat(cat.get("attributes").get("City").asText()).isEqualTo("Hull, East Riding");
            JsonNode imports = http.get("/v1/imports").bearer(apiKey).send().json().get("data");
            assertThat(imports).hasSize(2);

            ParleyProcess.Result stopped = server.stop(ParleyProcess.STOP_DEADLINE);
            assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(Databases.class)
    void badFilesAndUnknownTenantsAreOneLineErrorsWithExitCode2(TestDatabase.Kind kind, @TempDir Path dir) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Map<String, String> env = db.settings();
            ParleyProcess.Result created = ParleyProcess.run(env, "tenant", "create", "--name", "Bad Files",
                    "--admin-email", "owner@bad.test", "--admin-password", "owner-password-1");
            String tenantId = created.singleJsonObject().get("tenantId").asText();
            Path binary = dir.resolve("photo.csv");
            byte[] bytes = new byte[2048];
            new java.util.Random(3).nextBytes(bytes);
            bytes[5] = 0;
            Files.write(binary, bytes);
            Path good = dir.resolve("good.csv");
            Files.writeString(good, "phone\n+447911123456\n");

            assertOneLineUsageError(ParleyProcess.run(env, "import", binary.toString(), "--tenant", tenantId, "--list", "x"), "binary");
            assertOneLineUsageError(ParleyProcess.run(env, "import", dir.resolve("missing.csv").toString(), "--tenant", tenantId,
                    "--list", "x"), "cannot read");
            assertOneLineUsageError(ParleyProcess.run(env, "import", good.toString(), "--tenant", "tnt_01NOSUCHTENANT0000000000000",
                    "--list", "x"), "no tenant");
            assertOneLineUsageError(ParleyProcess.run(env, "import", good.toString(), "--tenant", tenantId, "--list", "x",
                    "--mapping", "Nope=phone"), "Nope");
        }
    }

    private static void assertOneLineUsageError(ParleyProcess.Result result, String mentions) {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stdout()).as(result.toString()).isBlank();
        List<String> errors = result.stderrLines().stream().filter(l -> l.startsWith("parley:")).toList();
        assertThat(errors).as(result.toString()).hasSize(1);
        assertThat(errors.get(0)).contains(mentions);
        assertThat(result.stderr()).as("no stack trace").doesNotContain("\tat ");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
