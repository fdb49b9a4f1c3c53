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
 * One Lua script, run by its SHA1 (EVALSHA) and loaded when Redis answers NOSCRIPT (on first use, after a restart, a
 * failover or SCRIPT FLUSH). The SHA1 is computed here, not taken from SCRIPT LOAD, so that no caller needs a round
 * trip before its first call. Immutable, so thread-safe.
 */
final class LuaScript {
    private final String source;
    private final String digest;

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
        try {
            return redis.evalsha(digest, keys, args);
        } catch (JedisDataException e) {
            if (!isNoScript(e)) {
                throw e;
            }
            reload(redis);
            return redis.evalsha(digest, keys, args);
        }
    }

    /** Loads the script into Redis's cache, e.g. after a pipelined call failed with NOSCRIPT. */
    void reload(UnifiedJedis redis) {
        redis.scriptLoad(source);
    }

    /** The script's text, for EVAL (which also caches it in Redis) after a NOSCRIPT answer. */
    String source() {
        return source;
    }

    /** The SHA1 that Redis gives the script: the SHA1 of its text, so known without asking Redis. */
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
