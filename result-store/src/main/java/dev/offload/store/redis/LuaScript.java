package dev.offload.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * One Lua script, run by its SHA1 (EVALSHA) and loaded again when Redis answers NOSCRIPT (after a restart, a
 * failover or SCRIPT FLUSH). Thread-safe.
 */
final class LuaScript {
    private final String source;
    private final String digest;
    private volatile String sha;

    private LuaScript(String source) {
        this.source = source;
        this.digest = sha1Hex(source);
    }

    static LuaScript load(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name + ".lua");
            }
            return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + name + ".lua", e);
        }
    }

    Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        String current = sha(redis);
        try {
            return redis.evalsha(current, keys, args);
        } catch (JedisDataException e) {
            if (!isNoScript(e)) {
                throw e;
            }
            sha = redis.scriptLoad(source);
            return redis.evalsha(sha, keys, args);
        }
    }

    /** The SHA1 for pipelined calls; loads the script first if this process never did. */
    String sha(UnifiedJedis redis) {
        String current = sha;
        if (current == null) {
            current = redis.scriptLoad(source);
            sha = current;
        }
        return current;
    }

    /** Loads the script again, e.g. after a pipelined call failed with NOSCRIPT. */
    void reload(UnifiedJedis redis) {
        sha = redis.scriptLoad(source);
    }

    /** The script's text, for EVAL (which also caches it in Redis) after a NOSCRIPT answer. */
    String source() {
        return source;
    }

    /**
     * The SHA1 that Redis gives the script (the SHA1 of its text), known without asking Redis: for callers that must
     * not block on a SCRIPT LOAD and send EVAL with the text instead when Redis answers NOSCRIPT.
     */
    String digest() {
        return digest;
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JDK", e);
        }
    }

    static boolean isNoScript(Throwable e) {
        return e instanceof JedisDataException
                && e.getMessage() != null
                && e.getMessage().startsWith("NOSCRIPT");
    }
}
