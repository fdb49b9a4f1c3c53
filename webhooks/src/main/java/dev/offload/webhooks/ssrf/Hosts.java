package dev.offload.webhooks.ssrf;

import java.util.regex.Pattern;

/** Recognises the written forms of hosts. Stateless and thread-safe. */
final class Hosts {
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /**
     * Other ways resolvers accept an IPv4 address: one to three parts ({@code 2130706433}, {@code 127.1}), hex
     * ({@code 0x7f.0.0.1}) or octal with a leading zero ({@code 0177.0.0.1}). Refused outright: nobody needs them,
     * and they are the classic way around a guard that only knows dotted quads.
     */
    private static final Pattern NUMERIC_HOST = Pattern.compile("(0x[0-9a-f]+|\\d+)(\\.(0x[0-9a-f]+|\\d+)){0,3}\\.?");

    private Hosts() {}

    static boolean isDottedQuad(String host) {
        return DOTTED_QUAD.matcher(host).matches();
    }

    /** A host made of numbers only that is not a canonical dotted quad. */
    static boolean isObscureNumeric(String host) {
        return !isDottedQuad(host)
                && NUMERIC_HOST.matcher(host.toLowerCase(java.util.Locale.ROOT)).matches();
    }
}
