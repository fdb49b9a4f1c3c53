package dev.offload.testing;

/** Matching request paths against OpenAPI path templates such as {@code /v1/jobs/{id}}. Stateless, thread-safe. */
final class PathTemplates {
    private PathTemplates() {}

    /** {@code true} if every segment of {@code path} equals the template's or fills a {@code {parameter}}. */
    static boolean matches(String template, String path) {
        String[] expected = template.split("/", -1);
        String[] actual = path.split("/", -1);
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            boolean parameter = isParameter(expected[i]);
            if (parameter ? actual[i].isEmpty() : !expected[i].equals(actual[i])) {
                return false;
            }
        }
        return true;
    }

    /** How many {@code {parameter}} segments the template has; literal paths win over templated ones. */
    static int parameterCount(String template) {
        int count = 0;
        for (String segment : template.split("/")) {
            if (isParameter(segment)) {
                count++;
            }
        }
        return count;
    }

    private static boolean isParameter(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }
}
