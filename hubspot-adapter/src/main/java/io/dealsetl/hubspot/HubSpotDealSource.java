package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.port.DealSource;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.ScanError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deals from HubSpot's CRM v3 API. Full scans walk the list endpoint (plus the archived list when asked);
 * incremental scans walk the search API in keyset windows on hs_lastmodifieddate, so the 10,000-result
 * search cap never applies. Both split large walks into id ranges walked in parallel. Thread-safe: one source serves every scan, sharing each token's rate budget.
 */
public final class HubSpotDealSource implements DealSource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HubSpotDealSource.class);
    /** What the results API shows and sorts on: always extracted, whatever else is asked for. */
    static final List<String> CORE_PROPERTIES = List.of("dealname", "amount", "dealstage", "pipeline", "closedate",
            "createdate", "hs_lastmodifieddate", "hs_object_id", "hubspot_owner_id", "dealtype");

    private final HubSpotClient client;
    private final HubSpotSettings settings;
    private final ExecutorService prefetch = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hubspot-prefetch");
        t.setDaemon(true);
        return t;
    });

    private HubSpotDealSource(HubSpotClient client, HubSpotSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    public static HubSpotDealSource create(HubSpotSettings settings) {
        return new HubSpotDealSource(new HubSpotClient(settings), settings);
    }

    /** Stops the threads this source started; streams still open fail. */
    @Override
    public void close() {
        prefetch.shutdownNow();
        client.close();
    }

    @Override
    public DealStream open(AccessToken token, ExtractionRequest request, String checkpoint) {
        HubSpotClient.Cost cost = new HubSpotClient.Cost();
        Checkpoint from;
        try {
            from = Checkpoint.parse(checkpoint);
        } catch (IllegalArgumentException e) {
            throw new ExtractionFailure(new ScanError(ScanError.INTERNAL, "The scan's checkpoint cannot be read",
                    "Start a new scan"));
        }
        Pipelines pipelines = pipelines(token, cost);
        List<String> properties = properties(token, request, cost);
        DealMapper mapper = new DealMapper(pipelines);
        Extraction extraction = new Extraction(client, token, request, properties, mapper, cost);
        if (request.modifiedSince() == null) return new ListStream(extraction, from, prefetch, settings.listWalks());
        return new ChangesStream(extraction, from, prefetch, settings.listWalks());
    }

    private Pipelines pipelines(AccessToken token, HubSpotClient.Cost cost) {
        try {
            return Pipelines.from(client.get(token, "/crm/v3/pipelines/deals", cost));
        } catch (ExtractionFailure e) {
            if (isFatal(e)) throw e;
            log.warn("deal pipelines unavailable, labels left out: {}", e.getMessage());
            return Pipelines.NONE;
        }
    }

    /** The properties to request: the configured ones plus the core set, or every deal property there is. */
    private List<String> properties(AccessToken token, ExtractionRequest request, HubSpotClient.Cost cost) {
        Set<String> names = new LinkedHashSet<>(CORE_PROPERTIES);
        if (request.config().properties().isEmpty()) {
            for (JsonNode p : client.get(token, "/crm/v3/properties/deals", cost).path("results")) {
                String name = p.path("name").asText("");
                if (!name.isEmpty()) names.add(name);
            }
        } else {
            names.addAll(request.config().properties());
        }
        return new ArrayList<>(names);
    }

    static boolean isFatal(ExtractionFailure e) {
        String code = e.error().code();
        return code.equals(ScanError.AUTHENTICATION) || code.equals(ScanError.PERMISSION);
    }

    /** The search request counting (via {@code total}) what an extraction will deliver. */
    static ObjectNode countRequest(List<ObjectNode> filters) {
        ObjectNode body = HubSpotClient.JSON.createObjectNode();
        if (!filters.isEmpty()) body.putArray("filterGroups").addObject().putArray("filters").addAll(filters);
        body.putArray("properties").add("hs_object_id");
        body.put("limit", 1);
        return body;
    }
}
