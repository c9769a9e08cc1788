package io.dealsetl.hubspot;

import static io.dealsetl.hubspot.HubSpotDealSourceTest.TOKEN;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.drain;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.settings;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.unlimited;
import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.deal.AssociatedRecord;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.deal.Associations;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealIds;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.scan.AssociationRefresh;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.simulator.AssociationSettings;
import io.dealsetl.simulator.AssociationType;
import io.dealsetl.simulator.DealAssociations;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.Portal;
import io.dealsetl.simulator.SimDeal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Deals' associations read from the simulator over HTTP, compared with what the simulated portal holds. */
class AssociationExtractionTest {
    static final Set<AssociationKind> ALL = EnumSet.allOf(AssociationKind.class);

    static ScanConfig config(Set<AssociationKind> kinds) {
        return new ScanConfig(List.of("dealname", "amount"), false, null, 100, kinds, AssociationRefresh.EVERY_SCAN);
    }

    static HubSpotDealSource source(HubSpotSimulator sim) {
        return HubSpotDealSource.create(settings(sim).build());
    }

    /** The portal's associations of a deal as the stream should carry them. */
    static Associations truth(Portal portal, String dealId, Set<AssociationKind> kinds) {
        DealAssociations held = portal.associations(dealId);
        Associations expected = Associations.empty(kinds);
        for (AssociationKind kind : kinds) {
            io.dealsetl.simulator.AssociationKind simKind = io.dealsetl.simulator.AssociationKind.valueOf(kind.name());
            List<AssociatedRecord> records = new ArrayList<>();
            for (io.dealsetl.simulator.AssociatedRecord r : held.of(simKind)) {
                boolean primary = kind == AssociationKind.COMPANIES && r.isPrimaryCompany();
                List<String> labels = r.types().stream().map(AssociationType::label).filter(l -> l != null)
                        .distinct().sorted().toList();
                records.add(new AssociatedRecord(r.id(), primary, labels));
            }
            expected = expected.with(kind, records);
        }
        return expected;
    }

    /** Records in id order and labels sorted: HubSpot fixes neither order. */
    static Associations normalised(Associations got) {
        Associations out = Associations.empty(got.kinds());
        for (AssociationKind kind : got.kinds()) {
            out = out.with(kind, got.of(kind).stream()
                    .map(r -> new AssociatedRecord(r.id(), r.primary(), r.labels().stream().sorted().toList()))
                    .sorted(java.util.Comparator.comparingLong(r -> Long.parseLong(r.id()))).toList());
        }
        return out;
    }

    static void assertMatchesPortal(Map<String, Deal> got, Portal portal, Set<AssociationKind> kinds) {
        for (Deal deal : got.values()) {
            assertThat(deal.associations().kinds()).as(deal.id()).isEqualTo(kinds);
            for (AssociationKind kind : kinds) {
                List<String> ids = deal.associations().of(kind).stream().map(AssociatedRecord::id).toList();
                assertThat(ids).as("%s of %s", kind, deal.id()).doesNotHaveDuplicates();
            }
            assertThat(normalised(deal.associations())).as(deal.id()).isEqualTo(truth(portal, deal.id(), kinds));
        }
    }

    @Test
    void a_full_scan_carries_every_deals_companies_contacts_and_line_items_as_the_portal_holds_them() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(6_000).build());
             HubSpotDealSource source = source(sim)) {
            Portal portal = sim.portal();
            HubSpotDealSourceTest.Drained got = drain(source.open(TOKEN, new ExtractionRequest(config(ALL), null), null));

            assertThat(got.deals()).hasSize(6_000);
            assertMatchesPortal(got.deals(), portal, ALL);
            // what the comparison covered: the primary with its twin, a user label sharing the primary's typeId,
            // deals with none of a kind, and contacts past one batch-read page
            List<Associations> all = got.deals().values().stream().map(Deal::associations).toList();
            assertThat(all).anySatisfy(a -> assertThat(a.primaryCompanyId()).isNotNull());
            assertThat(all).anySatisfy(a -> assertThat(a.of(AssociationKind.COMPANIES))
                    .anySatisfy(c -> assertThat(c.labels()).containsExactly("Reseller").isNotNull()));
            assertThat(all).anySatisfy(a -> assertThat(a.of(AssociationKind.LINE_ITEMS)).isEmpty());
            for (String id : portal.dealsWithManyContacts()) {
                assertThat(got.deals().get(id).associations().of(AssociationKind.CONTACTS)).hasSize(1_037);
            }
            assertThat(portal.dealsWithManyContacts()).isNotEmpty();
            // 6,000 deals: 6 groups, one request per kind, plus the many-contacts deals' next pages
            assertThat(sim.stats().associationBatchReadRequests()).isBetween(18L, 18L + 2L * 2);
        }
    }

    @Test
    void a_reseller_label_sharing_the_primary_type_id_does_not_make_a_company_primary() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(300).build());
             HubSpotDealSource source = source(sim)) {
            Portal portal = sim.portal();
            String dealId = portal.deals().get(5).id();
            portal.addLabel(dealId, io.dealsetl.simulator.AssociationKind.COMPANIES, "777000111", AssociationType.RESELLER);

            HubSpotDealSourceTest.Drained got = drain(source.open(TOKEN, new ExtractionRequest(config(ALL), null), null));

            AssociatedRecord reseller = got.deals().get(dealId).associations().of(AssociationKind.COMPANIES).stream()
                    .filter(c -> c.id().equals("777000111")).findFirst().orElseThrow();
            assertThat(reseller.primary()).isFalse();
            assertThat(reseller.labels()).containsExactly("Reseller");
            assertMatchesPortal(got.deals(), portal, ALL);
        }
    }

    @Test
    void only_the_kinds_asked_for_are_read_and_none_when_none_are_asked() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(1_500).build());
             HubSpotDealSource source = source(sim)) {
            HubSpotDealSourceTest.Drained none = drain(source.open(TOKEN,
                    new ExtractionRequest(config(Set.of()), null), null));
            assertThat(none.deals().values()).allSatisfy(d -> assertThat(d.associations()).isEqualTo(Associations.NONE));
            assertThat(sim.stats().associationBatchReadRequests()).isZero();

            Set<AssociationKind> companies = EnumSet.of(AssociationKind.COMPANIES);
            HubSpotDealSourceTest.Drained got = drain(source.open(TOKEN,
                    new ExtractionRequest(config(companies), null), null));
            assertMatchesPortal(got.deals(), sim.portal(), companies);
            assertThat(sim.stats().associationBatchReadRequests()).isEqualTo(2);
        }
    }

    @Test
    void an_incremental_scan_carries_the_associations_of_the_changed_deals() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(4_000).build());
             HubSpotDealSource source = source(sim)) {
            Instant since = Instant.parse("2024-03-01T00:00:00Z");
            Set<String> changed = IncrementalExtractionTest.modifiedSince(sim.portal().deals(), since);
            assertThat(changed).hasSizeGreaterThan(1_000);

            HubSpotDealSourceTest.Drained got = drain(source.open(TOKEN,
                    new ExtractionRequest(config(ALL), since), null));

            assertThat(got.deals().keySet()).containsExactlyInAnyOrderElementsOf(changed);
            assertMatchesPortal(got.deals(), sim.portal(), ALL);
        }
    }

    @Test
    void a_scan_resumed_from_its_checkpoints_loses_no_deal_and_no_association() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(5_000).build());
             HubSpotDealSource source = source(sim)) {
            Map<String, Deal> got = new HashMap<>();
            String checkpoint = null;
            int opened = 0;
            boolean done = false;
            // stop after every second batch and resume from the last checkpoint, as a restarted service does
            while (!done) {
                // each resumption moves on: a stream stuck on its checkpoint would reopen for ever
                assertThat(++opened).isLessThan(50);
                try (DealStream stream = source.open(TOKEN, new ExtractionRequest(config(ALL), null), checkpoint)) {
                    for (int i = 0; i < 2; i++) {
                        Optional<DealBatch> batch = stream.next();
                        if (batch.isEmpty()) {
                            done = true;
                            break;
                        }
                        batch.get().deals().forEach(d -> got.put(d.id(), d));
                        checkpoint = batch.get().checkpoint();
                    }
                }
            }
            assertThat(opened).isGreaterThan(3);
            assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(
                    sim.portal().deals().stream().map(SimDeal::id).toList());
            assertMatchesPortal(got, sim.portal(), ALL);
        }
    }

    @Test
    void the_dataset_re_read_reports_every_deal_with_associations_changed_without_a_modified_date() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(2_500).build());
             HubSpotDealSource source = source(sim)) {
            Portal portal = sim.portal();
            List<String> ids = portal.deals().stream().map(SimDeal::id).sorted().toList();
            // changed after the last scan, none of them bumping hs_lastmodifieddate
            io.dealsetl.simulator.AssociationKind companies = io.dealsetl.simulator.AssociationKind.COMPANIES;
            portal.associate(ids.get(10), io.dealsetl.simulator.AssociationKind.CONTACTS, "424242");
            portal.setPrimaryCompany(ids.get(20), "31337");
            portal.deals().stream().filter(d -> d.id().equals(ids.get(30))).findFirst().ifPresent(d ->
                    portal.associations(d.id()).companies().forEach(c -> portal.dissociate(d.id(), companies, c.id())));
            DealIds dataset = (after, limit) -> {
                int from = after == null ? 0 : ids.indexOf(after) + 1;
                return ids.subList(from, Math.min(ids.size(), from + limit));
            };
            Instant future = Instant.now().plusSeconds(3_600);

            Map<String, Associations> refreshed = new HashMap<>();
            List<Deal> changed = new ArrayList<>();
            try (DealStream stream = source.open(TOKEN, new ExtractionRequest(config(ALL), future, dataset), null)) {
                Optional<DealBatch> batch;
                while ((batch = stream.next()).isPresent()) {
                    changed.addAll(batch.get().deals());
                    batch.get().refreshed().forEach((id, a) -> assertThat(refreshed.put(id, a)).as(id).isNull());
                }
            }

            assertThat(changed).isEmpty();
            assertThat(refreshed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            refreshed.forEach((id, a) -> assertThat(normalised(a)).as(id).isEqualTo(truth(portal, id, ALL)));
            assertThat(refreshed.get(ids.get(10)).of(AssociationKind.CONTACTS)).extracting(AssociatedRecord::id)
                    .contains("424242");
            assertThat(refreshed.get(ids.get(20)).primaryCompanyId()).isEqualTo("31337");
            assertThat(refreshed.get(ids.get(30)).of(AssociationKind.COMPANIES)).isEmpty();
            // 2,500 ids: three pages of one request per kind, plus the many-contacts deals' next pages
            assertThat(sim.stats().associationBatchReadRequests()).isBetween(9L, 9L + 2L * 2);
        }
    }

    @Test
    void a_hubspot_taking_only_100_inputs_is_read_100_deals_per_request_and_nothing_is_lost() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(2_000)
                .associations(AssociationSettings.DEFAULT.withBatchInputLimit(100).withToObjectIdAsString(true)).build());
             HubSpotDealSource source = source(sim)) {
            HubSpotDealSourceTest.Drained got = drain(source.open(TOKEN, new ExtractionRequest(config(ALL), null), null));

            assertThat(got.deals()).hasSize(2_000);
            assertMatchesPortal(got.deals(), sim.portal(), ALL);
            // per kind: one refused request of 1,000, then 20 of 100 (plus the many-contacts deals' next pages)
            assertThat(sim.stats().associationBatchReadRequests()).isBetween(3L * 21, 3L * 21 + 2L * 2);
            Set<String> labels = got.deals().values().stream().flatMap(d -> d.associations().of(AssociationKind.CONTACTS)
                    .stream()).flatMap(r -> r.labels().stream()).collect(Collectors.toCollection(HashSet::new));
            assertThat(labels).isNotEmpty();
        }
    }

}
