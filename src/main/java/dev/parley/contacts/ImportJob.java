package dev.parley.contacts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An import as the API shows it. {@code processed = imported + updated + unchanged + rejected}; counts
 * move forward chunk by chunk, each chunk committed with its contacts, so they are exact at every moment.
 *
 * @param status {@code queued} (accepted, waiting for this node's import thread), {@code running},
 *               {@code completed} (every row imported, updated or rejected), {@code failed} (the file
 *               could not be read to its end, or the node died: rows of committed chunks stay),
 *               {@code canceled} (stopped on request after the chunk in flight)
 */
public record ImportJob(String id, String status, String fileName, long fileBytes, String listId, String region,
                        String encoding, String delimiter, List<String> headers, Map<String, String> mapping, String policy,
                        boolean unmappedAsAttributes, Map<String, String> consent, long rowsTotalEstimate, long processed,
                        long imported, long updated, long unchanged, long rejected, String error, Instant createdAt,
                        Instant startedAt, Instant finishedAt) {

    public boolean finished() {
        return status.equals("completed") || status.equals("failed") || status.equals("canceled");
    }
}
