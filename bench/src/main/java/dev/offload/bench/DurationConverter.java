package dev.offload.bench;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Reads durations as {@code 500ms}, {@code 30s}, {@code 2m} or ISO-8601 ({@code PT30S}). Pure. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt")) {
                return Duration.parse(value.trim());
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException(
                    "a duration such as 500ms, 30s, 2m or PT30S was expected, but was '" + value + "'");
        }
    }
}
