package io.dealsetl.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How the simulated portal looks and behaves. Defaults follow HubSpot's documented behaviour:
 * 100 requests per rolling 10 s per token, 5 searches per second, no Retry-After on 429s,
 * null for requested-but-unset properties, 250,000 requests a day, no search index lag.
 *
 * @param tokens valid bearer tokens and the scopes each was granted
 */
public record SimulatorConfig(int port, int deals, long seed, Duration latency, Map<String, Set<String>> tokens,
                              int generalLimit, Duration generalWindow, int searchLimitPerSecond,
                              boolean retryAfterOn429, boolean nullForUnsetProperties, int customProperties,
                              int archivedDeals, int sharedTimestampDeals, Faults faults, int maxUrlLength,
                              boolean opaqueCursors, int changedDeals, boolean unorderedPages,
                              SearchFault searchFault, Duration searchIndexLag, long dailyLimit, long dailyUsed,
                              AssociationSettings associations) {

    public static final String DEALS_READ = "crm.objects.deals.read";

    /** How the search endpoint misbehaves, to test extractors that must not depend on it. */
    public enum SearchFault {
        NONE,
        /** Every search answers 400 VALIDATION_ERROR. */
        REJECT,
        /** Searches sorted by ascending hs_object_id answer each page in descending id order. */
        UNORDERED
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int port;
        private int deals = 1000;
        private long seed = 1;
        private Duration latency = Duration.ZERO;
        private String token = HubSpotSimulator.DEFAULT_TOKEN;
        private Set<String> scopes = Set.of(DEALS_READ);
        private final Map<String, Set<String>> extraTokens = new LinkedHashMap<>();
        private int generalLimit = 100;
        private Duration generalWindow = Duration.ofSeconds(10);
        private int searchLimitPerSecond = 5;
        private boolean retryAfterOn429;
        private boolean nullForUnsetProperties = true;
        private int customProperties;
        private int archivedDeals;
        private int sharedTimestampDeals;
        private Faults faults = Faults.NONE;
        private int maxUrlLength = 8192;
        private boolean opaqueCursors;
        private int changedDeals;
        private boolean unorderedPages;
        private SearchFault searchFault = SearchFault.NONE;
        private Duration searchIndexLag = Duration.ZERO;
        private long dailyLimit = 250_000;
        private long dailyUsed;
        private AssociationSettings associations = AssociationSettings.DEFAULT;

        public Builder port(int port) { this.port = port; return this; }
        public Builder deals(int count) { this.deals = count; return this; }
        public Builder seed(long seed) { this.seed = seed; return this; }
        public Builder latency(Duration latency) { this.latency = latency; return this; }
        public Builder token(String validToken) { this.token = validToken; return this; }
        public Builder scopes(Set<String> scopes) { this.scopes = Set.copyOf(scopes); return this; }
        public Builder extraToken(String token, Set<String> scopes) { extraTokens.put(token, Set.copyOf(scopes)); return this; }
        /** Requests allowed per rolling window per token; 0 = unlimited. */
        public Builder generalLimit(int perWindow, Duration window) { this.generalLimit = perWindow; this.generalWindow = window; return this; }
        /** Search requests per second per token; 0 = unlimited. */
        public Builder searchLimitPerSecond(int perSecond) { this.searchLimitPerSecond = perSecond; return this; }
        public Builder retryAfterOn429(boolean send) { this.retryAfterOn429 = send; return this; }
        public Builder nullForUnsetProperties(boolean asNull) { this.nullForUnsetProperties = asNull; return this; }
        public Builder customProperties(int n) { this.customProperties = n; return this; }
        public Builder archivedDeals(int n) { this.archivedDeals = n; return this; }
        public Builder sharedTimestampDeals(int n) { this.sharedTimestampDeals = n; return this; }
        public Builder faults(Faults faults) { this.faults = faults; return this; }
        public Builder maxUrlLength(int chars) { this.maxUrlLength = chars; return this; }
        /** List cursors as opaque strings (as the spec's example shows) instead of the next record id. */
        public Builder opaqueCursors(boolean opaque) { this.opaqueCursors = opaque; return this; }
        /** n deals, spread through the portal, were modified when the simulator started. */
        public Builder changedDeals(int n) { this.changedDeals = n; return this; }
        /**
         * List pages after the first come in descending id order within the page: HubSpot does not promise
         * id order, so extractors must not depend on it.
         */
        public Builder unorderedPages(boolean unordered) { this.unorderedPages = unordered; return this; }

        public Builder searchFault(SearchFault fault) { this.searchFault = fault; return this; }
        /**
         * Search answers show each deal as it was this long ago ("it may take a few moments for newly created or
         * updated CRM objects to appear in search results"); list and batch read show it as it is.
         */
        public Builder searchIndexLag(Duration lag) { this.searchIndexLag = lag; return this; }
        /** Requests a token may make per day (HubSpot's lowest tier: 250,000), and how many it made already today. */
        public Builder dailyLimit(long perDay, long usedAlready) { this.dailyLimit = perDay; this.dailyUsed = usedAlready; return this; }

        /** Deal associations and the association endpoints' behaviour (default {@link AssociationSettings#DEFAULT}). */
        public Builder associations(AssociationSettings settings) { this.associations = settings; return this; }
        /** Generated deals with associations (default) or without any. */
        public Builder associations(boolean enabled) { this.associations = associations.withEnabled(enabled); return this; }

        public SimulatorConfig build() {
            Map<String, Set<String>> tokens = new LinkedHashMap<>();
            tokens.put(token, scopes);
            tokens.putAll(extraTokens);
            return new SimulatorConfig(port, deals, seed, latency, Map.copyOf(tokens), generalLimit, generalWindow,
                    searchLimitPerSecond, retryAfterOn429, nullForUnsetProperties, customProperties, archivedDeals,
                    sharedTimestampDeals, faults, maxUrlLength, opaqueCursors, changedDeals, unorderedPages, searchFault,
                    searchIndexLag, dailyLimit, dailyUsed, associations);
        }
    }
}
