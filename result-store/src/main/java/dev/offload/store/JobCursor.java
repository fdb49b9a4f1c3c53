package dev.offload.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A position in a tenant's listing, ordered newest first by creation time and then by id (descending). Encoded as an
 * opaque, URL-safe {@link JobPage#nextCursor() cursor}. Used by store implementations; immutable.
 *
 * @param createdAtMillis the creation time of the last job returned, epoch milliseconds
 * @param id the id of the last job returned
 */
public record JobCursor(long createdAtMillis, String id) {
    public JobCursor {
        Objects.requireNonNull(id, "id");
    }

    /** Parses a cursor handed out by {@link #encode()}. */
    public static JobCursor decode(String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed(cursor);
        }
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw malformed(cursor);
        }
        try {
            return new JobCursor(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw malformed(cursor);
        }
    }

    public String encode() {
        byte[] raw = (createdAtMillis + ":" + id).getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** {@code true} if a job at ({@code createdAtMillis}, {@code id}) comes after this position, newest first. */
    public boolean precedes(long otherCreatedAtMillis, String otherId) {
        return otherCreatedAtMillis < createdAtMillis
                || (otherCreatedAtMillis == createdAtMillis && otherId.compareTo(id) < 0);
    }

    private static IllegalArgumentException malformed(String cursor) {
        return new IllegalArgumentException(
                "cursor is malformed: '" + cursor + "' is not a cursor returned by a previous page");
    }
}
