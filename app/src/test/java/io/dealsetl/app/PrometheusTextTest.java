package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test parser refuses what Prometheus would, or the metrics tests could pass on broken text. */
class PrometheusTextTest {
    static final String HISTOGRAM = """
            # HELP t_seconds a timer
            # TYPE t_seconds histogram
            t_seconds_bucket{route="/a",le="0.1"} 1
            t_seconds_bucket{route="/a",le="+Inf"} 3
            t_seconds_count{route="/a"} 3
            t_seconds_sum{route="/a"} 0.5
            # TYPE c_total counter
            c_total{label="quote \\" and \\\\ back"} 2.0
            """;

    @Test
    void valid_text_is_read_with_its_labels_and_values() {
        PrometheusText text = PrometheusText.parse(HISTOGRAM);

        assertThat(text.family("t_seconds").orElseThrow().type()).isEqualTo("histogram");
        assertThat(text.value("t_seconds_count", Map.of("route", "/a"))).contains(3.0);
        assertThat(text.value("c_total", Map.of("label", "quote \" and \\ back"))).contains(2.0);
    }

    @Test
    void malformed_lines_samples_without_a_type_and_broken_histograms_are_refused() {
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"1\" 2\n")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> PrometheusText.parse("y 1\n")).hasMessageContaining("sample before its TYPE");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"bad\\q\"} 1\n")).hasMessageContaining("bad labels");
        assertThatThrownBy(() -> PrometheusText.parse(HISTOGRAM.replace("le=\"+Inf\"} 3", "le=\"+Inf\"} 0")))
                .hasMessageContaining("not cumulative");
        assertThatThrownBy(() -> PrometheusText.parse(HISTOGRAM.replace("_count{route=\"/a\"} 3", "_count{route=\"/a\"} 4")))
                .hasMessageContaining("+Inf = _count");
    }
}
