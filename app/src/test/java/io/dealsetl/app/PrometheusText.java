package io.dealsetl.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parser of the Prometheus text exposition format (version 0.0.4), strict enough to fail on what a Prometheus
 * server would refuse: malformed lines, a sample before its family's TYPE, a family declared twice, label values
 * with bad escapes, histograms whose buckets are not cumulative or do not end at {@code +Inf} = {@code _count}.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, List<Sample> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private PrometheusText() {
    }

    /** @throws IllegalArgumentException naming the first line that is not valid exposition text */
    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isEmpty()) continue;
            try {
                parsed.read(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + ": " + e.getMessage() + ": " + line);
            }
        }
        parsed.families.values().forEach(PrometheusText::checkHistogram);
        return parsed;
    }

    private void read(String line) {
        Matcher type = TYPE.matcher(line);
        if (type.matches()) {
            if (families.containsKey(type.group(1))) throw new IllegalArgumentException("family declared twice");
            families.put(type.group(1), new Family(type.group(1), type.group(2), new ArrayList<>()));
            return;
        }
        if (HELP.matcher(line).matches() || line.startsWith("# ")) return;
        Matcher sample = SAMPLE.matcher(line);
        if (!sample.matches()) throw new IllegalArgumentException("not a sample");
        String name = sample.group(1);
        Family family = familyOf(name).orElseThrow(() -> new IllegalArgumentException("sample before its TYPE"));
        family.samples().add(new Sample(name, labels(sample.group(3)), value(sample.group(4))));
    }

    private Optional<Family> familyOf(String sampleName) {
        if (families.containsKey(sampleName)) return Optional.of(families.get(sampleName));
        for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
            if (sampleName.endsWith(suffix)) {
                Family f = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                if (f != null) return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) return labels;
        Matcher m = LABEL.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) throw new IllegalArgumentException("bad labels");
            String value = m.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
            if (labels.put(m.group(1), value) != null) throw new IllegalArgumentException("label repeated");
            at = m.end();
        }
        return labels;
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static void checkHistogram(Family family) {
        if (!family.type().equals("histogram")) return;
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample s : family.samples()) {
            Map<String, String> series = new LinkedHashMap<>(s.labels());
            series.remove("le");
            if (s.name().endsWith("_bucket")) buckets.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
            if (s.name().endsWith("_count")) counts.put(series, s.value());
        }
        buckets.forEach((series, list) -> {
            double previousLe = Double.NEGATIVE_INFINITY;
            double previousCount = 0;
            for (Sample b : list) {
                double le = value(b.labels().get("le"));
                if (le <= previousLe || b.value() < previousCount) {
                    throw new IllegalArgumentException(family.name() + " buckets not cumulative for " + series);
                }
                previousLe = le;
                previousCount = b.value();
            }
            if (previousLe != Double.POSITIVE_INFINITY || !counts.containsKey(series)
                    || counts.get(series) != previousCount) {
                throw new IllegalArgumentException(family.name() + " does not end at +Inf = _count for " + series);
            }
        });
    }

    Optional<Family> family(String name) {
        return Optional.ofNullable(families.get(name));
    }

    List<Family> families() {
        return List.copyOf(families.values());
    }

    /** The one sample of that name whose labels include these; empty when there is none. */
    Optional<Double> value(String sampleName, Map<String, String> labels) {
        List<Double> found = families.values().stream().flatMap(f -> f.samples().stream())
                .filter(s -> s.name().equals(sampleName) && s.labels().entrySet().containsAll(labels.entrySet()))
                .map(Sample::value).toList();
        if (found.size() > 1) throw new IllegalArgumentException(found.size() + " samples " + sampleName + labels);
        return found.stream().findFirst();
    }
}
