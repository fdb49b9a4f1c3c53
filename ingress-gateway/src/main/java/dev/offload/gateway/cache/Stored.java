package dev.offload.gateway.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the cache keeps under a key: a response, or, under a resource's primary key when its responses vary, the
 * names of the request headers they vary on ({@link VaryIndex}), which lead to the response's secondary key.
 *
 * <p>The binary encoding is length-prefixed throughout (bodies are stored byte for byte) and starts with a format
 * tag: a value in another or a broken format decodes as absent, so a format change only costs misses.
 */
sealed interface Stored permits StoredResponse, Stored.VaryIndex {
    int FORMAT = 0x4f43_0001; // "OC" v1
    byte RESPONSE = 1;
    byte VARY_INDEX = 2;

    /** The request headers (lower-case, sorted) that the responses of a resource vary on. */
    record VaryIndex(List<String> names) implements Stored {
        public VaryIndex {
            names = List.copyOf(names);
        }
    }

    static byte[] encode(Stored stored) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            switch (stored) {
                case VaryIndex index -> {
                    out.writeByte(VARY_INDEX);
                    writeStrings(out, index.names());
                }
                case StoredResponse response -> {
                    out.writeByte(RESPONSE);
                    out.writeLong(response.storedAt().toEpochMilli());
                    out.writeLong(response.lifetime().toMillis());
                    out.writeLong(response.initialAge().toSeconds());
                    out.writeInt(response.status());
                    writePairs(out, response.headers());
                    writePairs(out, List.copyOf(response.vary().entrySet()));
                    out.writeInt(response.body().length);
                    out.write(response.body());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** The stored value, or {@code null} if it is not in this format. */
    static Stored decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            if (in.readInt() != FORMAT) {
                return null;
            }
            byte kind = in.readByte();
            if (kind == VARY_INDEX) {
                return new VaryIndex(readStrings(in));
            }
            if (kind != RESPONSE) {
                return null;
            }
            Instant storedAt = Instant.ofEpochMilli(in.readLong());
            Duration lifetime = Duration.ofMillis(in.readLong());
            Duration initialAge = Duration.ofSeconds(in.readLong());
            int status = in.readInt();
            List<Map.Entry<String, String>> headers = readPairs(in);
            Map<String, String> vary = new TreeMap<>();
            readPairs(in).forEach(pair -> vary.put(pair.getKey(), pair.getValue()));
            byte[] body = in.readNBytes(in.readInt());
            return new StoredResponse(storedAt, lifetime, initialAge, status, headers, vary, body);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            writeString(out, s);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<String> strings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            strings.add(readString(in));
        }
        return strings;
    }

    private static void writePairs(DataOutputStream out, List<Map.Entry<String, String>> pairs) throws IOException {
        out.writeInt(pairs.size());
        for (Map.Entry<String, String> pair : pairs) {
            writeString(out, pair.getKey());
            writeString(out, pair.getValue());
        }
    }

    private static List<Map.Entry<String, String>> readPairs(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<Map.Entry<String, String>> pairs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            pairs.add(Map.entry(readString(in), readString(in)));
        }
        return pairs;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
    }
}
