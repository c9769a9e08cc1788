package io.dealsetl.domain.schedule;

import java.util.Map;

/** A schedule cannot be as asked; {@link #problems()} names each field at fault (dotted path) and why. */
public final class InvalidScheduleException extends RuntimeException {
    private final Map<String, String> problems;

    public InvalidScheduleException(Map<String, String> problems) {
        super("invalid schedule: " + String.join(", ", problems.keySet()));
        this.problems = Map.copyOf(problems);
    }

    public Map<String, String> problems() {
        return problems;
    }
}
