package io.dealsetl.http;

import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.DealSort;
import io.dealsetl.domain.deal.SortOrder;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results endpoint's query parameters, validated into a {@link DealQuery}. */
final class ResultsQuery {
    private ResultsQuery() {
    }

    private static final List<String> NAMES = List.of("page", "limit", "sort_by", "sort_order", "filter_stage",
            "filter_pipeline");

    static DealQuery parse(Context ctx) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (String name : NAMES) {
            // which of two values was meant is a guess: say so instead
            if (ctx.queryParams(name).size() > 1) errors.put(name, "Must be given once");
        }
        int page = integer(ctx.queryParam("page"), 1, 1, Integer.MAX_VALUE, "page", "Must be an integer of at least 1", errors);
        int limit = integer(ctx.queryParam("limit"), DealQuery.DEFAULT_LIMIT, 1, DealQuery.MAX_LIMIT, "limit",
                "Must be an integer from 1 to " + DealQuery.MAX_LIMIT, errors);
        DealSort sort = DealSort.CLOSEDATE;
        String sortBy = ctx.queryParam("sort_by");
        if (sortBy != null) {
            sort = DealSort.fromWireName(sortBy).orElse(null);
            if (sort == null) errors.put("sort_by", "Must be one of: closedate, amount, createdate");
        }
        SortOrder order = SortOrder.ASC;
        String sortOrder = ctx.queryParam("sort_order");
        if (sortOrder != null) {
            order = SortOrder.fromWireName(sortOrder).orElse(null);
            if (order == null) errors.put("sort_order", "Must be one of: asc, desc");
        }
        String stage = text(ctx.queryParam("filter_stage"), "filter_stage", errors);
        String pipeline = text(ctx.queryParam("filter_pipeline"), "filter_pipeline", errors);
        if (!errors.isEmpty()) throw ApiException.validation(errors);
        return new DealQuery(page, limit, stage, pipeline, sort, order);
    }

    /** An integer parameter within bounds, the fallback when absent; a problem is recorded under its name. */
    static int integer(String raw, int fallback, int min, int max, String name, String problem,
                               Map<String, String> errors) {
        if (raw == null) return fallback;
        try {
            int value = Integer.parseInt(raw.strip());
            if (value >= min && value <= max) return value;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        errors.put(name, problem);
        return fallback;
    }

    private static String text(String raw, String name, Map<String, String> errors) {
        if (raw == null) return null;
        if (raw.isBlank() || raw.length() > 200) {
            errors.put(name, "Must be a non-empty string of at most 200 characters");
            return null;
        }
        String problem = Text.problem(raw);
        if (problem != null) {
            errors.put(name, problem);
            return null;
        }
        return raw;
    }
}
