package dev.parley.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.parley.core.Json;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The BullMQ anchor of {@code parley bench delivery} (SPEC §7): no-op jobs/s, delayed-job lateness and
 * limiter pacing measured on BullMQ + Redis (127.0.0.1:6379) in the same run, by the Node script
 * {@code bench/bullmq-anchor.mjs}. Installs a pinned BullMQ with npm into {@code target/bench-anchor}
 * (or {@code ${java.io.tmpdir}/parley-bench-anchor}) once. Never throws: when Node, npm or Redis is
 * missing or anything fails, returns {@code {"skipped": reason}}. Progress goes to stderr only.
 */
public final class BullmqAnchor {
    static final String BULLMQ_VERSION = "5.81.5";
    private static final String SCRIPT = "bullmq-anchor.mjs";

    private BullmqAnchor() {}

    public static Map<String, Object> run(
            int jobs, int concurrency, int duePerSecond, int dueSeconds, int limiterRate, int limiterJobs) {
        try {
            Optional<Path> node = onPath("node");
            Optional<Path> npm = onPath("npm");
            if (node.isEmpty() || npm.isEmpty()) {
                return skipped("node and npm are needed on PATH for the BullMQ anchor");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", 6379), 2000);
            } catch (IOException e) {
                return skipped("Redis is not reachable at 127.0.0.1:6379 (" + e.getMessage() + ")");
            }
            Path dir = Files.isDirectory(Path.of("target"))
                    ? Path.of("target", "bench-anchor").toAbsolutePath()
                    : Path.of(System.getProperty("java.io.tmpdir"), "parley-bench-anchor");
            Files.createDirectories(dir);
            if (!installed(dir)) {
                System.err.println("BullMQ anchor: npm install bullmq@" + BULLMQ_VERSION + " in " + dir);
                Files.writeString(dir.resolve("package.json"), """
                        {"name": "parley-bench-anchor", "private": true, "type": "module",
                         "dependencies": {"bullmq": "%s"}}
                        """.formatted(BULLMQ_VERSION));
                Path log = dir.resolve("npm-install.log");
                int code = exec(List.of(npm.get().toString(), "install", "--no-audit", "--no-fund"), dir, log, 300);
                if (code != 0 || !installed(dir)) {
                    return skipped("npm install bullmq@" + BULLMQ_VERSION + " failed (exit " + code + "): "
                            + lastLine(log));
                }
            }
            try (InputStream in = BullmqAnchor.class.getResourceAsStream("/bench/" + SCRIPT)) {
                if (in == null) {
                    return skipped("resource /bench/" + SCRIPT + " is missing from the classpath");
                }
                Files.copy(in, dir.resolve(SCRIPT), StandardCopyOption.REPLACE_EXISTING);
            }
            long timeoutSeconds = Math.max(120, 60L + dueSeconds + 2
                    + (limiterJobs + limiterRate - 1L) / Math.max(1, limiterRate) + jobs / 1000L);
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("jobs", jobs);
            options.put("concurrency", concurrency);
            options.put("duePerSecond", duePerSecond);
            options.put("dueSeconds", dueSeconds);
            options.put("limiterRate", limiterRate);
            options.put("limiterJobs", limiterJobs);
            options.put("timeoutSeconds", timeoutSeconds);
            System.err.println("BullMQ anchor: running " + SCRIPT + " " + Json.write(options));
            Path out = dir.resolve("anchor-output.json");
            int code = exec(List.of(node.get().toString(), SCRIPT, Json.write(options)), dir, out,
                    timeoutSeconds + 30);
            String line = lastLine(out);
            if (line.isEmpty()) {
                return skipped("BullMQ anchor printed nothing (exit " + code + ")");
            }
            Map<String, Object> result = Json.mapper().readValue(line,
                    new TypeReference<LinkedHashMap<String, Object>>() {});
            if (code != 0 || result.containsKey("error")) {
                return skipped("BullMQ anchor failed (exit " + code + "): " + result.getOrDefault("error", line));
            }
            return result;
        } catch (Exception e) {
            return skipped("BullMQ anchor failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Runs a command in {@code dir} with stdout to {@code out} and stderr to ours; -1 on timeout. */
    private static int exec(List<String> command, Path dir, Path out, long timeoutSeconds)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    private static boolean installed(Path dir) throws IOException {
        Path manifest = dir.resolve("node_modules/bullmq/package.json");
        return Files.isRegularFile(manifest)
                && BULLMQ_VERSION.equals(Json.mapper().readTree(manifest.toFile()).path("version").asText());
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path file = Path.of(entry, name);
            if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    private static String lastLine(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    private static Map<String, Object> skipped(String reason) {
        String line = reason.replaceAll("\\s+", " ").strip();
        System.err.println("BullMQ anchor skipped: " + line);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("skipped", line);
        return result;
    }
}
