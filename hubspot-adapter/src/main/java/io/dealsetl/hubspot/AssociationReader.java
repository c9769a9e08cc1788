package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.deal.AssociatedRecord;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.scan.ScanError;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads deals' associations of one kind through v4 batch read, following each deal's paging to the end. Shared by
 * one scan's reads, which may run at once; the input cap it learns holds for the rest of the scan. Thread-safe.
 */
final class AssociationReader {
    private static final Logger log = LoggerFactory.getLogger(AssociationReader.class);
    /** HubSpot's documented cap since 2025-02-10 (FACTS §10.3). */
    static final int MAX_INPUTS = 1000;
    /** The cap an earlier version of the same changelog stated; used once HubSpot refuses 1,000 (FACTS §10.9). */
    static final int FALLBACK_INPUTS = 100;

    /** Sends one batch-read body for a kind and returns HubSpot's answer (200 or 207). */
    @FunctionalInterface
    interface Transport {
        JsonNode read(AssociationKind kind, ObjectNode body);
    }

    private final Transport transport;
    private volatile int inputs;

    AssociationReader(Transport transport, int inputs) {
        this.transport = transport;
        this.inputs = inputs == FALLBACK_INPUTS ? FALLBACK_INPUTS : MAX_INPUTS;
    }

    /** How many inputs one request carries now. */
    int inputs() {
        return inputs;
    }

    /** Every given deal's records of the kind, each deal present (an empty list when it has none). */
    Map<String, List<AssociatedRecord>> read(AssociationKind kind, Collection<String> dealIds) {
        AssociationFold fold = new AssociationFold(kind == AssociationKind.COMPANIES);
        Deque<AssociationFold.Next> queue = new ArrayDeque<>();
        Set<String> asked = new java.util.LinkedHashSet<>(dealIds);
        for (String id : asked) queue.add(new AssociationFold.Next(id, null));
        // HubSpot's v3 batch read ignores `after` and answers the same page for ever (FACTS §10.3): a cursor seen
        // twice for a deal ends that deal's paging rather than the scan looping
        Set<AssociationFold.Next> sent = new HashSet<>();
        while (!queue.isEmpty()) {
            int cap = inputs;
            ObjectNode body = HubSpotClient.JSON.createObjectNode();
            ArrayNode array = body.putArray("inputs");
            List<AssociationFold.Next> chunk = new java.util.ArrayList<>(Math.min(cap, queue.size()));
            while (chunk.size() < cap && !queue.isEmpty()) {
                AssociationFold.Next input = queue.poll();
                chunk.add(input);
                ObjectNode node = array.addObject().put("id", input.dealId());
                if (input.after() != null) node.put("after", input.after());
            }
            JsonNode answer;
            try {
                answer = transport.read(kind, body);
            } catch (ExtractionFailure e) {
                if (chunk.size() > FALLBACK_INPUTS && refusedAsTooMany(e)) {
                    fallBack(e);
                    for (int i = chunk.size() - 1; i >= 0; i--) queue.addFirst(chunk.get(i));
                    continue;
                }
                throw e;
            }
            List<AssociationFold.Problem> problems = AssociationFold.problems(answer);
            if (!problems.isEmpty()) throw failure(kind, problems);
            for (AssociationFold.Next next : fold.add(answer)) {
                if (!asked.contains(next.dealId())) continue;
                if (sent.add(next)) queue.add(next);
                else log.warn("HubSpot repeated an association page cursor for a deal; its {} paging ends there",
                        kind.apiName());
            }
        }
        Map<String, List<AssociatedRecord>> records = new LinkedHashMap<>();
        for (String id : asked) records.put(id, fold.records(id));
        return records;
    }

    /** HubSpot documents no status or body for too many inputs (FACTS §10.3); a 400 to a big request is taken so. */
    private static boolean refusedAsTooMany(ExtractionFailure e) {
        return ScanError.SOURCE_REJECTED.equals(e.error().code()) && e.error().message().contains("HTTP 400");
    }

    private synchronized void fallBack(ExtractionFailure e) {
        if (inputs == FALLBACK_INPUTS) return;
        inputs = FALLBACK_INPUTS;
        log.warn("HubSpot refused {} deals in one association batch read ({}); sending {} per request from now on",
                MAX_INPUTS, e.error().details(), FALLBACK_INPUTS);
    }

    private static ExtractionFailure failure(AssociationKind kind, List<AssociationFold.Problem> problems) {
        AssociationFold.Problem first = problems.get(0);
        return new ExtractionFailure(new ScanError(ScanError.SOURCE_REJECTED,
                "HubSpot could not read deal associations (" + kind.apiName() + ")",
                problems.size() + " error(s) in the batch read answer, first: " + first.category() + " "
                        + first.subCategory() + ": " + first.message()));
    }
}
