package io.dealsetl.domain.deal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DealTest {
    private static Deal deal(Map<String, String> properties) {
        return new Deal("101", "Big deal", null, null, null, null, null, null, null, null, false, null, null, null,
                properties);
    }

    @Test
    void properties_keep_hubspot_order_and_null_values_and_cannot_change() {
        Map<String, String> sent = new LinkedHashMap<>();
        sent.put("zeta", "1");
        sent.put("amount", null);
        sent.put("alpha", "3");
        Deal deal = deal(sent);
        sent.put("late", "4");

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("zeta", "1");
        expected.put("amount", null);
        expected.put("alpha", "3");
        assertThat(deal.properties()).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(deal.properties().keySet()).containsExactly("zeta", "amount", "alpha");
        assertThat(deal.properties().get("alpha")).isEqualTo("3");
        assertThat(deal.properties().containsKey("amount")).isTrue();
        assertThat(deal.properties().get("late")).isNull();
        assertThatThrownBy(() -> deal.properties().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> deal.properties().entrySet().iterator().remove())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void deals_with_the_same_fields_are_equal() {
        assertThat(deal(Map.of("a", "1"))).isEqualTo(deal(new LinkedHashMap<>(Map.of("a", "1"))))
                .hasSameHashCodeAs(deal(Map.of("a", "1")));
        assertThat(deal(Map.of())).isNotEqualTo(deal(Map.of("a", "1")));
    }
}
