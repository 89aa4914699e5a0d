package dev.parley.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code parley demo} remembers between runs, in {@code demo.json} in its data directory: the demo
 * tenant, its owner's login, its API key, and the ids of what it set up ({@code smsProvider},
 * {@code emailProvider}, {@code list}, {@code smsTemplate}, {@code emailTemplate}, {@code campaign}).
 *
 * <p>The file holds a password and an API key in clear, so it is written with mode 0600; Parley itself
 * keeps only their hashes. It is written again after each step of the set-up, so a run stopped half-way
 * resumes rather than starts over.
 */
record DemoState(String tenantId, String adminEmail, String adminPassword, String apiKey, Map<String, String> ids) {
    static final String FILE = "demo.json";

    DemoState {
        ids = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ids));
    }

    Optional<String> id(String name) {
        return Optional.ofNullable(ids.get(name));
    }

    DemoState withId(String name, String id) {
        Map<String, String> next = new LinkedHashMap<>(ids);
        next.put(name, id);
        return new DemoState(tenantId, adminEmail, adminPassword, apiKey, next);
    }

    /** The state saved in {@code dataDir}, or empty on a first run. */
    static Optional<DemoState> load(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode json = Json.mapper().readTree(Files.readString(file));
            Map<String, String> ids = new LinkedHashMap<>();
            json.path("ids").properties().forEach(e -> ids.put(e.getKey(), e.getValue().asText()));
            DemoState state = new DemoState(text(json, "tenantId"), text(json, "adminEmail"), text(json, "adminPassword"),
                    text(json, "apiKey"), ids);
            if (state.tenantId() == null || state.apiKey() == null || state.adminEmail() == null) {
                throw new ConfigException("--data-dir", file + " is damaged (no tenantId, adminEmail or apiKey); delete "
                        + dataDir + " to start the demo afresh");
            }
            return Optional.of(state);
        } catch (IOException e) {
            throw new ConfigException("--data-dir", "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Replaces {@code demo.json} atomically, readable by its owner only. */
    void save(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            Path tmp = Files.createTempFile(dataDir, ".demo-", ".tmp");
            try {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // Not a POSIX file system: the data dir's own permissions protect it.
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("tenantId", tenantId);
                out.put("adminEmail", adminEmail);
                out.put("adminPassword", adminPassword);
                out.put("apiKey", apiKey);
                out.put("ids", ids);
                Files.writeString(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n");
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
