package io.dealsetl.simulator;

import static io.dealsetl.simulator.HubSpotSimulator.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.NavigableMap;
import java.util.Set;

/**
 * {@code POST /crm/v3/objects/deals/search}: filter groups (ORed) of filters (ANDed), one sort, an integer
 * offset in {@code after}, at most 200 per page and never past the 10,000th result. Archived deals never match.
 * With an index lag, deals changed within it are matched and shown as they were before.
 */
final class Search {
    static final int MAX_LIMIT = 200;
    static final int MAX_RESULTS = 10_000;
    static final List<String> SEARCH_DEFAULTS = List.of("dealname", "amount", "closedate", "pipeline", "dealstage",
            "createdate", "hs_lastmodifieddate", "hs_object_id");
    private static final Set<String> DATETIMES = Set.of("hs_lastmodifieddate", "createdate", "closedate");
    private static final Set<String> NUMBERS = Set.of("hs_object_id", "amount");

    private final Portal portal;
    private final SimulatorConfig config;
    private volatile long lagMillis;

    Search(Portal portal, SimulatorConfig config) {
        this.portal = portal;
        this.config = config;
        this.lagMillis = config.searchIndexLag().toMillis();
    }

    void lag(java.time.Duration lag) {
        lagMillis = lag.toMillis();
    }

    record Filter(String property, String operator, String value, String highValue, List<String> values) {
    }

    ObjectNode run(JsonNode request) {
        if (config.searchFault() == SimulatorConfig.SearchFault.REJECT) {
            throw new HubSpotSimulator.BadRequest("There was a problem with the request.");
        }
        List<List<Filter>> groups = groups(request);
        int limit = request.has("limit") ? request.path("limit").asInt(-1) : 10;
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new HubSpotSimulator.BadRequest("limit must be between 0 and " + MAX_LIMIT);
        }
        int after = 0;
        if (request.hasNonNull("after") && !request.path("after").asText().isEmpty()) {
            try {
                after = Integer.parseInt(request.path("after").asText());
            } catch (NumberFormatException e) {
                throw new HubSpotSimulator.BadRequest("after must be an integer");
            }
        }
        if (after + limit > MAX_RESULTS) {
            throw new HubSpotSimulator.BadRequest("Invalid input: paging beyond 10000 results is not supported");
        }
        JsonNode sort = request.path("sorts").path(0);
        String sortBy = sort.isObject() ? sort.path("propertyName").asText("hs_object_id") : null;
        boolean descending = sort.isObject() && "DESCENDING".equals(sort.path("direction").asText());
        boolean byId = sortBy == null || sortBy.equals("hs_object_id");

        List<Portal.Rec> matches;
        int total;
        long indexedUpTo = System.currentTimeMillis() - lagMillis;
        List<Portal.Rec> lagging = lagMillis > 0 ? portal.mutatedAfter(indexedUpTo) : List.of();
        if (!lagging.isEmpty()) {
            matches = asIndexed(groups, sortBy, descending, lagging, indexedUpTo);
            total = matches.size();
        } else if (groups.isEmpty() && byId) {
            // no filter, in id order (a count, the highest id): answered from the id-ordered map, as fast as
            // HubSpot answers it, instead of reading and sorting every deal
            matches = new ArrayList<>(after + limit);
            for (Portal.Rec rec : descending ? portal.active().descendingMap().values() : portal.active().values()) {
                if (matches.size() >= after + limit) break;
                matches.add(rec);
            }
            total = portal.active().size();
        } else if (byId && idsOnly(groups)) {
            // a keyset walk by id (hs_object_id > last): the id-ordered map's range, not a scan of every deal
            NavigableMap<Long, Portal.Rec> range = idRange(groups.get(0));
            matches = new ArrayList<>(after + limit);
            total = 0;
            for (Portal.Rec rec : descending ? range.descendingMap().values() : range.values()) {
                if (matches.size() < after + limit) matches.add(rec);
                total++;
            }
        } else {
            matches = matches(groups, sortBy, descending);
            total = matches.size();
        }

        List<String> props = new ArrayList<>();
        request.path("properties").forEach(p -> props.add(p.asText()));
        Set<String> requested = Listing.requested(props.isEmpty() ? null : List.of(String.join(",", props)),
                SEARCH_DEFAULTS);
        ObjectNode body = JSON.createObjectNode();
        body.put("total", total);
        ArrayNode results = body.putArray("results");
        int end = Math.min(total, after + limit);
        List<Portal.Rec> page = new ArrayList<>(matches.subList(Math.min(after, end), end));
        if (config.searchFault() == SimulatorConfig.SearchFault.UNORDERED && byId && !descending) {
            java.util.Collections.reverse(page);
        }
        for (Portal.Rec rec : page) results.add(Listing.record(portal, config, rec, requested));
        if (end < total) body.putObject("paging").putObject("next").put("after", Integer.toString(end));
        return body;
    }

    /**
     * Every match as a lagging index holds the deals: those mutated after {@code indexedUpTo} are matched (and
     * shown) as their previous version, or not at all when they were created since or archived before.
     */
    private List<Portal.Rec> asIndexed(List<List<Filter>> groups, String sortBy, boolean descending,
                                       List<Portal.Rec> lagging, long indexedUpTo) {
        Set<Long> laggingIds = new java.util.HashSet<>();
        lagging.forEach(r -> laggingIds.add(r.id()));
        List<Portal.Rec> out = new ArrayList<>();
        for (Portal.Rec rec : matches(groups, sortBy, descending)) {
            if (!laggingIds.contains(rec.id())) out.add(rec);
        }
        for (Portal.Rec latest : lagging) {
            Portal.Rec indexed = Portal.searchable(latest, indexedUpTo);
            if (indexed != null && matchesAny(groups, portal.toDeal(indexed))) out.add(indexed);
        }
        out.sort(order(sortBy, descending));
        return out;
    }

    /** One group that filters on hs_object_id alone. */
    private static boolean idsOnly(List<List<Filter>> groups) {
        return groups.size() == 1 && groups.get(0).stream().allMatch(f -> f.property().equals("hs_object_id")
                && Set.of("EQ", "GT", "GTE", "LT", "LTE", "BETWEEN").contains(f.operator()));
    }

    private NavigableMap<Long, Portal.Rec> idRange(List<Filter> group) {
        long[] range = bounds(group, "hs_object_id", Search::parseLong);
        if (range[0] > range[1]) return new java.util.TreeMap<>();
        return portal.active().subMap(range[0], true, range[1], true);
    }

    /** The inclusive range the group's comparisons on one property allow, as {from, to}. */
    private static long[] bounds(List<Filter> group, String property, java.util.function.ToLongFunction<String> parse) {
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        for (Filter f : group) {
            if (!f.property().equals(property)) continue;
            long v = parse.applyAsLong(f.value());
            switch (f.operator()) {
                case "EQ" -> { from = Math.max(from, v); to = Math.min(to, v); }
                case "GT" -> from = Math.max(from, v + 1);
                case "GTE" -> from = Math.max(from, v);
                case "LT" -> to = Math.min(to, v - 1);
                case "LTE" -> to = Math.min(to, v);
                case "BETWEEN" -> { from = Math.max(from, v); to = Math.min(to, parse.applyAsLong(f.highValue())); }
                default -> { }
            }
        }
        return new long[] {from, to};
    }

    private List<Portal.Rec> matches(List<List<Filter>> groups, String sortBy, boolean descending) {
        List<Portal.Rec> matches = keyOnly(groups) ? byKeys(groups.get(0)) : new ArrayList<>();
        if (!keyOnly(groups)) {
            for (Portal.Rec rec : candidates(groups)) {
                SimDeal deal = portal.toDeal(rec);
                if (matchesAny(groups, deal)) matches.add(rec);
            }
        }
        // the index already yields (hs_lastmodifieddate, id) order: sorting again is only needed otherwise
        if (!(keyOnly(groups) && "hs_lastmodifieddate".equals(sortBy) && !descending)) {
            matches.sort(order(sortBy, descending));
        }
        return matches;
    }

    /** One group filtering only on hs_lastmodifieddate and hs_object_id: answerable from the index keys. */
    private static boolean keyOnly(List<List<Filter>> groups) {
        return groups.size() == 1 && groups.get(0).stream().allMatch(f ->
                (f.property().equals("hs_lastmodifieddate") || f.property().equals("hs_object_id"))
                        && Set.of("EQ", "GT", "GTE", "LT", "LTE", "BETWEEN").contains(f.operator()));
    }

    /** Matches of a key-only group, walking just the index range the hs_lastmodifieddate filters allow. */
    private List<Portal.Rec> byKeys(List<Filter> group) {
        long[] range = bounds(group, "hs_lastmodifieddate", Search::millis);
        long from = range[0];
        long to = range[1];
        List<Portal.Rec> out = new ArrayList<>();
        if (from > to) return out;
        for (long[] key : portal.byModified().subSet(new long[] {from, Long.MIN_VALUE}, true,
                new long[] {to, Long.MAX_VALUE}, true)) {
            if (group.stream().allMatch(f -> keyMatches(f, key))) {
                Portal.Rec rec = portal.active().get(key[1]);
                if (rec != null && rec.updatedMs() == key[0]) out.add(rec);
            }
        }
        return out;
    }

    private static boolean keyMatches(Filter f, long[] key) {
        long actual = f.property().equals("hs_lastmodifieddate") ? key[0] : key[1];
        long wanted = f.property().equals("hs_lastmodifieddate") ? millis(f.value()) : parseLong(f.value());
        return switch (f.operator()) {
            case "EQ" -> actual == wanted;
            case "GT" -> actual > wanted;
            case "GTE" -> actual >= wanted;
            case "LT" -> actual < wanted;
            case "LTE" -> actual <= wanted;
            case "BETWEEN" -> actual >= wanted && actual <= (f.property().equals("hs_lastmodifieddate")
                    ? millis(f.highValue()) : parseLong(f.highValue()));
            default -> false;
        };
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new HubSpotSimulator.BadRequest("Invalid filter value: " + value);
        }
    }

    /** Narrows by the hs_lastmodifieddate index when one group bounds it from below; else every active deal. */
    private Iterable<Portal.Rec> candidates(List<List<Filter>> groups) {
        if (groups.size() == 1) {
            for (Filter f : groups.get(0)) {
                if (!f.property().equals("hs_lastmodifieddate")) continue;
                if (Set.of("GTE", "GT", "EQ", "BETWEEN").contains(f.operator())) {
                    long from = millis(f.value());
                    List<Portal.Rec> out = new ArrayList<>();
                    for (long[] key : portal.byModified().tailSet(new long[] {from, Long.MIN_VALUE}, true)) {
                        Portal.Rec rec = portal.active().get(key[1]);
                        if (rec != null) out.add(rec);
                    }
                    return out;
                }
            }
        }
        return portal.active().values();
    }

    private Comparator<Portal.Rec> order(String sortBy, boolean descending) {
        Comparator<Portal.Rec> byId = Comparator.comparingLong(Portal.Rec::id);
        Comparator<Portal.Rec> c;
        if (sortBy == null || sortBy.equals("hs_object_id")) {
            c = byId;
        } else if (sortBy.equals("hs_lastmodifieddate")) {
            c = Comparator.comparingLong(Portal.Rec::updatedMs);
        } else if (sortBy.equals("createdate")) {
            c = Comparator.comparingLong(Portal.Rec::createdMs);
        } else {
            c = Comparator.comparing(r -> portal.properties(r).get(sortBy), Comparator.nullsLast(Comparator.naturalOrder()));
        }
        if (descending) c = c.reversed();
        // ties keep a stable, id-ascending order, so offsets page consistently
        return c.thenComparing(byId);
    }

    private static List<List<Filter>> groups(JsonNode request) {
        List<List<Filter>> groups = new ArrayList<>();
        JsonNode filterGroups = request.path("filterGroups");
        if (filterGroups.isArray() && filterGroups.size() > 0) {
            for (JsonNode g : filterGroups) groups.add(filters(g.path("filters")));
        } else if (request.path("filters").isArray() && request.path("filters").size() > 0) {
            groups.add(filters(request.path("filters")));
        }
        int total = groups.stream().mapToInt(List::size).sum();
        if (groups.size() > 5 || groups.stream().anyMatch(g -> g.size() > 6) || total > 18) {
            throw new HubSpotSimulator.BadRequest("Too many filters or filter groups: at most 5 groups, 6 filters"
                    + " per group and 18 filters in total");
        }
        return groups;
    }

    private static List<Filter> filters(JsonNode array) {
        List<Filter> filters = new ArrayList<>();
        for (JsonNode f : array) {
            List<String> values = new ArrayList<>();
            f.path("values").forEach(v -> values.add(v.asText()));
            String operator = f.path("operator").asText("EQ").toUpperCase(Locale.ROOT);
            filters.add(new Filter(f.path("propertyName").asText(), operator,
                    f.hasNonNull("value") ? f.path("value").asText() : null,
                    f.hasNonNull("highValue") ? f.path("highValue").asText() : null, values));
        }
        return filters;
    }

    private static boolean matchesAny(List<List<Filter>> groups, SimDeal deal) {
        if (groups.isEmpty()) return true;
        for (List<Filter> group : groups) {
            if (group.stream().allMatch(f -> matches(f, deal.properties().get(f.property())))) return true;
        }
        return false;
    }

    private static boolean matches(Filter f, String actual) {
        switch (f.operator()) {
            case "HAS_PROPERTY":
                return actual != null && !actual.isEmpty();
            case "NOT_HAS_PROPERTY":
                return actual == null || actual.isEmpty();
            case "IN":
                return actual != null && f.values().stream().anyMatch(v -> compare(f.property(), actual, v) == 0);
            case "NOT_IN":
                return actual == null || f.values().stream().noneMatch(v -> compare(f.property(), actual, v) == 0);
            default:
                break;
        }
        if (actual == null || actual.isEmpty()) return f.operator().equals("NEQ");
        int c = compare(f.property(), actual, f.value());
        return switch (f.operator()) {
            case "EQ" -> c == 0;
            case "NEQ" -> c != 0;
            case "LT" -> c < 0;
            case "LTE" -> c <= 0;
            case "GT" -> c > 0;
            case "GTE" -> c >= 0;
            case "BETWEEN" -> c >= 0 && compare(f.property(), actual, f.highValue()) <= 0;
            default -> throw new HubSpotSimulator.BadRequest("Unsupported operator: " + f.operator());
        };
    }

    private static int compare(String property, String actual, String wanted) {
        if (wanted == null) throw new HubSpotSimulator.BadRequest("filter on " + property + " needs a value");
        try {
            if (DATETIMES.contains(property)) return Long.compare(millis(actual), millis(wanted));
            if (NUMBERS.contains(property)) return new BigDecimal(actual).compareTo(new BigDecimal(wanted));
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new HubSpotSimulator.BadRequest("Invalid filter value for " + property + ": " + wanted);
        }
        return actual.toLowerCase(Locale.ROOT).compareTo(wanted.toLowerCase(Locale.ROOT));
    }

    static long millis(String value) {
        if (value == null) throw new HubSpotSimulator.BadRequest("missing datetime value");
        if (value.chars().allMatch(Character::isDigit)) return Long.parseLong(value);
        return Instant.parse(value).toEpochMilli();
    }
}
