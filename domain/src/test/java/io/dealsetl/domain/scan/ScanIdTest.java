package io.dealsetl.domain.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScanIdTest {

    @Test
    void generated_ids_carry_the_utc_creation_time_and_six_random_characters() {
        ScanId id = ScanId.generate(Instant.parse("2025-01-27T10:30:00Z"), new Random(7));

        assertThat(id.value()).matches("scan_20250127_103000_[a-z0-9]{6}");
    }

    @Test
    void parse_accepts_the_contract_format() {
        assertThat(ScanId.parse("scan_20250127_103000_abc123").value()).isEqualTo("scan_20250127_103000_abc123");
    }

    @Test
    void parse_rejects_anything_else() {
        for (String bad : new String[] {"scan_20250127_103000", "scan_20250127_103000_ABC123", "x", "",
                "scan_20250127_103000_abc123/../x", "scan_2025012_103000_abc123"}) {
            assertThatThrownBy(() -> ScanId.parse(bad)).isInstanceOf(InvalidScanIdException.class);
        }
        assertThatThrownBy(() -> ScanId.parse(null)).isInstanceOf(InvalidScanIdException.class);
    }

    @Test
    void a_huge_bad_id_is_abbreviated_in_the_message() {
        String huge = "x".repeat(10_000);
        assertThatThrownBy(() -> ScanId.parse(huge)).hasMessageContaining("...").message().hasSizeLessThan(200);
    }
}
