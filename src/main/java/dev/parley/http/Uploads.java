package dev.parley.http;

import dev.parley.core.Failure;
import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Receives a file upload for an {@link Api#upload} route and streams it to disk, never holding it in
 * memory: either the raw body ({@code text/csv}, {@code text/plain}, {@code application/octet-stream})
 * with options in the query string, or {@code multipart/form-data} with a {@code file} part and options
 * as the other parts (query parameters are read too; a form field wins). A body over the limit is a 413
 * and leaves no file behind.
 */
public final class Uploads {
    private static final Set<String> RAW_TYPES = Set.of("text/csv", "text/plain", "application/octet-stream",
            "application/vnd.ms-excel", "text/tab-separated-values");
    private static final int MAX_FIELD_CHARS = 65_536;

    private Uploads() {}

    /** The stored file (the caller owns it and deletes it) and the request's options. */
    public record Upload(Path file, long bytes, String fileName, Map<String, String> fields) {
        public String field(String name) {
            return fields.get(name);
        }
    }

    public static Upload receive(Context ctx, Path dir, long maxBytes) {
        String contentType = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        String mediaType = contentType.split(";", 2)[0].trim();
        Map<String, String> fields = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, v) -> fields.put(k, v.isEmpty() ? "" : v.getFirst()));
        try {
            Files.createDirectories(dir);
            if (mediaType.equals("multipart/form-data")) {
                return multipart(ctx, dir, maxBytes, fields);
            }
            if (!RAW_TYPES.contains(mediaType)) {
                throw new Bodies.UnsupportedMediaType("send the file as text/csv, or as multipart/form-data with a 'file' part");
            }
            Path file = Files.createTempFile(dir, "upload-", ".part");
            try (InputStream in = ctx.req().getInputStream()) {
                long bytes = copy(in, file, maxBytes);
                return new Upload(file, bytes, null, fields);
            } catch (RuntimeException | IOException e) {
                Files.deleteIfExists(file);
                throw e;
            }
        } catch (IOException e) {
            throw new Failure.Invalid("file", "unreadable", "the upload could not be read: it ended early or the connection broke");
        }
    }

    private static Upload multipart(Context ctx, Path dir, long maxBytes, Map<String, String> fields) throws IOException {
        ctx.req().setAttribute("org.eclipse.jetty.multipartConfig",
                new MultipartConfigElement(dir.toString(), maxBytes, maxBytes + 1_048_576, 1_048_576));
        java.util.Collection<Part> parts;
        try {
            parts = ctx.req().getParts();
        } catch (IOException | IllegalStateException | jakarta.servlet.ServletException e) {
            if (tooLarge(e)) {
                throw new HttpServer.PayloadTooLarge(maxBytes);
            }
            throw new Failure.Invalid("body", "malformed", "the multipart body could not be parsed");
        }
        Part filePart = null;
        for (Part part : parts) {
            if (part.getName().equals("file") && filePart == null) {
                filePart = part;
            } else if (part.getSubmittedFileName() == null) {
                if (part.getSize() > MAX_FIELD_CHARS) {
                    throw new Failure.Invalid(part.getName(), "tooLong", part.getName() + " is too long");
                }
                try (InputStream in = part.getInputStream()) {
                    fields.put(part.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        if (filePart == null) {
            throw new Failure.Invalid("file", "required", "the multipart body needs a 'file' part holding the CSV");
        }
        Path file = Files.createTempFile(dir, "upload-", ".part");
        try (InputStream in = filePart.getInputStream()) {
            long bytes = copy(in, file, maxBytes);
            String name = filePart.getSubmittedFileName();
            return new Upload(file, bytes, name == null ? null : Path.of(name.replace('\\', '/')).getFileName().toString(), fields);
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(file);
            throw e;
        } finally {
            for (Part part : parts) {
                part.delete();
            }
        }
    }

    private static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("size") || m.contains("too large") || m.contains("413")) {
                return true;
            }
        }
        return false;
    }

    private static long copy(InputStream in, Path file, long maxBytes) throws IOException {
        byte[] buffer = new byte[65_536];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw new HttpServer.PayloadTooLarge(maxBytes);
                }
                out.write(buffer, 0, n);
            }
        }
        return total;
    }
}
