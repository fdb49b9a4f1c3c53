package dev.offload.model;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Job ids: 26-character ULIDs (Crockford base32, 48 bits of milliseconds then 80 random bits), so they sort by creation
 * time, are URL-safe and cannot be guessed.
 *
 * <p>The last character doubles as the job's <em>shard</em> (one of {@value #SHARDS}): every store key of a job carries
 * its shard as a hash tag, so one job's keys, and the indexes they touch atomically, live in one Redis Cluster slot.
 * A job submitted with an idempotency key gets the shard of that key, so the key and the job can be written by one
 * atomic script. Thread-safe.
 */
public final class JobId {
    /** Number of store shards; fixed, because it is encoded in every id. */
    public static final int SHARDS = 32;

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private JobId() {}

    /** A new id created at {@code now} in a random shard. */
    public static String next(Instant now) {
        return next(now, RANDOM.nextInt(SHARDS));
    }

    /** A new id created at {@code now} in the given shard. */
    public static String next(Instant now, int shard) {
        if (shard < 0 || shard >= SHARDS) {
            throw new IllegalArgumentException("shard must be in [0, " + SHARDS + "), but was " + shard);
        }
        char[] chars = new char[26];
        long millis = now.toEpochMilli();
        for (int i = 9; i >= 0; i--) {
            chars[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        // One call for all 75 random bits: each call of a SecureRandom takes its lock and mixes its state, and
        // profiling the accept path found sixteen calls per id (one per character) among its hottest frames.
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 5; i++) {
            high = (high << 8) | (random[i] & 0xff);
            low = (low << 8) | (random[i + 5] & 0xff);
        }
        for (int i = 0; i < 8; i++) { // 8 characters from the first 40 bits, 7 from the next 35
            chars[10 + i] = ALPHABET[(int) ((high >>> (35 - 5 * i)) & 31)];
        }
        for (int i = 0; i < 7; i++) {
            chars[18 + i] = ALPHABET[(int) ((low >>> (35 - 5 * i)) & 31)];
        }
        chars[25] = ALPHABET[shard];
        return new String(chars);
    }

    /** The shard for an idempotency key of a tenant: stable for the same pair. */
    public static int shardFor(String tenant, String idempotencyKey) {
        return Math.floorMod((tenant + '\u0000' + idempotencyKey).hashCode(), SHARDS);
    }

    /** The shard of a well-formed id. */
    public static int shardOf(String id) {
        char last = id.charAt(id.length() - 1);
        for (int i = 0; i < ALPHABET.length; i++) {
            if (ALPHABET[i] == last) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a job id: " + id);
    }

    /** {@code true} if {@code candidate} has the form of a job id; says nothing about whether the job exists. */
    public static boolean isWellFormed(String candidate) {
        return candidate != null && FORMAT.matcher(candidate).matches();
    }
}
