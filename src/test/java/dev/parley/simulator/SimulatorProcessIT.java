package dev.parley.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import dev.parley.testing.Http;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code parley simulator} as a real process: ready line, a send, the summary, and a clean SIGTERM. */
class SimulatorProcessIT {
    @Test
    void simulatorProcessAnswersRecordsAndExitsZeroOnSigterm() throws Exception {
        Path jar = Path.of(System.getProperty("parley.jar", "target/parley.jar"));
        assertThat(jar).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File stderr = Files.createTempFile("simulator", ".log").toFile();
        Process process = new ProcessBuilder(java, "-jar", jar.toString(), "simulator", "--port", "0", "--seed", "3")
                .redirectError(stderr)
                .start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String readyLine = stdout.readLine();
            assertThat(readyLine).as("ready line; stderr: %s", Files.readString(stderr.toPath())).isNotNull();
            JsonNode ready = Json.mapper().readTree(readyLine);
            assertThat(ready.get("event").asText()).isEqualTo("ready");
            int port = ready.get("port").asInt();
            assertThat(port).isPositive();

            Http http = new Http("http://127.0.0.1:" + port);
            Http.Response sent = http.post("/send").json(Map.of("id", "it-1", "channel", "sms", "to", "+447700900002", "text", "hi")).send();
            assertThat(sent.status()).isEqualTo(200);
            assertThat(sent.json().get("providerMessageId").asText()).startsWith("sim-");
            JsonNode summary = http.get("/ledger/summary").send().json();
            assertThat(summary.get("accepted").asLong()).isEqualTo(1);
            assertThat(summary.get("distinctIds").asLong()).isEqualTo(1);

            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor()).isZero();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            assertThat(process.exitValue()).as("exit code; stderr: %s", Files.readString(stderr.toPath())).isZero();
            assertThat(stdout.readLine()).as("nothing but the ready line on stdout").isNull();
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(stderr.toPath());
        }
    }
}
