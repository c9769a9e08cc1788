package io.dealsetl.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FormatsTest {
    @Test
    void dates_are_written_as_instant_to_string_writes_them() {
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            long seconds = switch (i % 4) {
                case 0 -> random.nextLong(-62_200_000_000L, 253_500_000_000L); // around years 0 and 9999 too
                case 1 -> random.nextLong(0, 4_102_444_800L); // 1970 to 2100
                case 2 -> random.nextLong(0, 4_102_444_800L) / 86_400 * 86_400; // midnights
                default -> random.nextLong(0, 4_102_444_800L) / 60 * 60; // whole minutes
            };
            int nano = switch (i % 5) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nano);
            assertThat(Formats.date(instant)).as("%s", instant).isEqualTo(instant.toString());
            assertThat(Formats.timestamp(instant)).as("%s", instant)
                    .isEqualTo(instant.truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    @Test
    void dates_keep_hubspot_precision_and_service_timestamps_whole_seconds() {
        assertThat(Formats.date(Instant.parse("2025-03-15T00:00:00Z"))).isEqualTo("2025-03-15T00:00:00Z");
        assertThat(Formats.date(Instant.parse("2025-02-11T09:14:27.512Z"))).isEqualTo("2025-02-11T09:14:27.512Z");
        assertThat(Formats.date(Instant.parse("2025-02-11T09:14:27.000120Z"))).isEqualTo("2025-02-11T09:14:27.000120Z");
        assertThat(Formats.timestamp(Instant.parse("2025-01-27T10:30:00.999Z"))).isEqualTo("2025-01-27T10:30:00Z");
        assertThat(Formats.date(null)).isNull();
    }
}
