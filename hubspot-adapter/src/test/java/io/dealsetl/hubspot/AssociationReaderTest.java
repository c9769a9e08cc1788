package io.dealsetl.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.deal.AssociatedRecord;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.scan.ScanError;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Batch-read answers as FACTS §10.3 describes them, folded into each deal's associated records. */
class AssociationReaderTest {

    static JsonNode example(String name) throws Exception {
        try (InputStream in = AssociationReaderTest.class.getResourceAsStream("/reference-examples/" + name)) {
            return HubSpotClient.JSON.readTree(in);
        }
    }

    static JsonNode json(String text) {
        try {
            return HubSpotClient.JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void the_reference_207_answer_gives_each_company_once_with_the_primary_marked_and_none_for_the_third_deal()
            throws Exception {
        JsonNode answer = example("associations-v4-batch-read.json");
        List<JsonNode> bodies = new ArrayList<>();
        AssociationReader reader = new AssociationReader((kind, body) -> {
            bodies.add(body);
            return answer;
        }, 0);

        Map<String, List<AssociatedRecord>> read = reader.read(AssociationKind.COMPANIES,
                List.of("18375620431", "18375620877", "18391002214"));

        assertThat(read.get("18375620431")).containsExactly(
                new AssociatedRecord("9876543210", true, List.of("Primary")),
                new AssociatedRecord("9876543299", false, List.of()));
        // the types in the other order: still one record, still primary
        assertThat(read.get("18375620877")).containsExactly(new AssociatedRecord("9876543377", true, List.of("Primary")));
        assertThat(read.get("18391002214")).isEmpty();
        assertThat(bodies).hasSize(1);
        assertThat(bodies.get(0).path("inputs")).hasSize(3);
    }

    @Test
    void results_are_matched_to_deals_by_from_id_whatever_their_order_and_string_target_ids_are_read_too() {
        JsonNode answer = json("""
                {'status':'COMPLETE','results':[
                 {'from':{'id':'2'},'to':[{'toObjectId':'77','associationTypes':[{'category':'HUBSPOT_DEFINED','typeId':3,'label':null}]}]},
                 {'from':{'id':'1'},'to':[{'toObjectId':12345678901,'associationTypes':[{'category':'HUBSPOT_DEFINED','typeId':3,'label':null}]}]}]}
                """);
        Map<String, List<AssociatedRecord>> read = new AssociationReader((kind, body) -> answer, 0)
                .read(AssociationKind.CONTACTS, List.of("1", "2", "3"));

        assertThat(read.get("1")).containsExactly(new AssociatedRecord("12345678901", false, List.of()));
        assertThat(read.get("2")).containsExactly(new AssociatedRecord("77", false, List.of()));
        assertThat(read.get("3")).isEmpty();
    }

    @Test
    void a_user_defined_type_sharing_the_primary_type_id_adds_its_label_but_does_not_make_a_company_primary() {
        JsonNode answer = json("""
                {'status':'COMPLETE','results':[{'from':{'id':'1'},'to':[
                 {'toObjectId':10,'associationTypes':[{'category':'USER_DEFINED','typeId':5,'label':'Reseller'},
                   {'category':'HUBSPOT_DEFINED','typeId':341,'label':null}]},
                 {'toObjectId':11,'associationTypes':[{'category':'HUBSPOT_DEFINED','typeId':5,'label':'Primary'},
                   {'category':'USER_DEFINED','typeId':5,'label':'Reseller'},
                   {'category':'WORK','typeId':900,'label':'Partner'},
                   {'category':'HUBSPOT_DEFINED','typeId':341,'label':null}]}]}]}
                """);
        Map<String, List<AssociatedRecord>> read = new AssociationReader((kind, body) -> answer, 0)
                .read(AssociationKind.COMPANIES, List.of("1"));

        assertThat(read.get("1")).containsExactly(
                new AssociatedRecord("10", false, List.of("Reseller")),
                new AssociatedRecord("11", true, List.of("Primary", "Reseller", "Partner")));
    }

    @Test
    void a_deals_next_pages_are_asked_for_with_its_cursor_and_folded_into_one_list_without_duplicates() {
        List<String> sent = new ArrayList<>();
        AssociationReader reader = new AssociationReader((kind, body) -> {
            sent.add(body.toString());
            JsonNode input = body.path("inputs").path(0);
            if (!input.has("after")) {
                return json("""
                        {'status':'COMPLETE','results':[
                         {'from':{'id':'1'},'to':[{'toObjectId':1,'associationTypes':[]},{'toObjectId':2,'associationTypes':[]}],
                          'paging':{'next':{'after':'c1','link':'ignored'}}},
                         {'from':{'id':'2'},'to':[{'toObjectId':9,'associationTypes':[]}]}]}
                        """);
            }
            assertThat(body.path("inputs")).hasSize(1);
            assertThat(input.path("id").asText()).isEqualTo("1");
            if (input.path("after").asText().equals("c1")) {
                return json("""
                        {'status':'COMPLETE','results':[{'from':{'id':'1'},'to':[{'toObjectId':2,'associationTypes':[{'category':'USER_DEFINED','typeId':7,'label':'Buyer'}]},{'toObjectId':3,'associationTypes':[]}],
                          'paging':{'next':{'after':'c2'}}}]}
                        """);
            }
            return json("{'status':'COMPLETE','results':[{'from':{'id':'1'},'to':[{'toObjectId':4,'associationTypes':[]}]}]}");
        }, 0);

        Map<String, List<AssociatedRecord>> read = reader.read(AssociationKind.CONTACTS, List.of("1", "2"));

        assertThat(read.get("1")).extracting(AssociatedRecord::id).containsExactly("1", "2", "3", "4");
        assertThat(read.get("1").get(1).labels()).containsExactly("Buyer");
        assertThat(read.get("2")).extracting(AssociatedRecord::id).containsExactly("9");
        assertThat(sent).hasSize(3);
    }

    @Test
    void a_cursor_answered_again_ends_that_deals_paging_instead_of_looping() {
        List<JsonNode> sent = new ArrayList<>();
        JsonNode answer = json("""
                {'status':'COMPLETE','results':[{'from':{'id':'1'},'to':[{'toObjectId':1,'associationTypes':[]}],
                  'paging':{'next':{'after':'same'}}}]}
                """);
        Map<String, List<AssociatedRecord>> read = new AssociationReader((kind, body) -> {
            sent.add(body);
            return answer;
        }, 0).read(AssociationKind.LINE_ITEMS, List.of("1"));

        assertThat(read.get("1")).extracting(AssociatedRecord::id).containsExactly("1");
        assertThat(sent).hasSize(2);
    }

    @Test
    void errors_other_than_no_associations_fail_the_read_with_a_clear_error() {
        JsonNode answer = json("""
                {'status':'COMPLETE','results':[],'numErrors':1,'errors':[{'status':'error','category':'VALIDATION_ERROR',
                 'subCategory':'crm.associations.INVALID_INPUT','message':'Something is off'}]}
                """);
        AssociationReader reader = new AssociationReader((kind, body) -> answer, 0);

        assertThatThrownBy(() -> reader.read(AssociationKind.CONTACTS, List.of("1")))
                .isInstanceOfSatisfying(ExtractionFailure.class, e -> {
                    assertThat(e.error().code()).isEqualTo(ScanError.SOURCE_REJECTED);
                    assertThat(e.error().message()).contains("associations").contains("contacts");
                    assertThat(e.error().details()).contains("VALIDATION_ERROR").contains("Something is off");
                });
    }

    @Test
    void a_deal_hubspot_no_longer_finds_reads_as_one_without_associations() {
        JsonNode answer = json("""
                {'status':'COMPLETE','results':[{'from':{'id':'1'},'to':[{'toObjectId':7,'associationTypes':
                 [{'category':'HUBSPOT_DEFINED','typeId':3,'label':null}]}]}],'numErrors':1,'errors':[{'status':'error',
                 'category':'OBJECT_NOT_FOUND','subCategory':'crm.objects.OBJECT_NOT_FOUND','message':'Deal 2 not found'}]}
                """);
        AssociationReader reader = new AssociationReader((kind, body) -> answer, 0);

        Map<String, List<AssociatedRecord>> read = reader.read(AssociationKind.CONTACTS, List.of("1", "2"));

        assertThat(read.get("1")).extracting(AssociatedRecord::id).containsExactly("7");
        assertThat(read.get("2")).isEmpty();
    }

    @Test
    void more_than_a_thousand_deals_go_in_requests_of_a_thousand() {
        List<Integer> sizes = new ArrayList<>();
        AssociationReader reader = new AssociationReader((kind, body) -> {
            sizes.add(body.path("inputs").size());
            return json("{'status':'COMPLETE','results':[]}");
        }, 0);

        Map<String, List<AssociatedRecord>> read = reader.read(AssociationKind.COMPANIES, ids(2_500));

        assertThat(sizes).containsExactly(1000, 1000, 500);
        assertThat(read).hasSize(2_500).allSatisfy((id, records) -> assertThat(records).isEmpty());
    }

    @Test
    void a_400_to_a_thousand_inputs_lowers_requests_to_a_hundred_for_the_rest_of_the_scan() {
        List<Integer> sizes = new ArrayList<>();
        AssociationReader reader = new AssociationReader((kind, body) -> {
            int n = body.path("inputs").size();
            sizes.add(n);
            if (n > 100) {
                throw new ExtractionFailure(new ScanError(ScanError.SOURCE_REJECTED,
                        "HubSpot rejected a request (HTTP 400)", "too many inputs"));
            }
            ObjectNode answer = (ObjectNode) json("{'status':'COMPLETE','results':[]}");
            String first = body.path("inputs").path(0).path("id").asText();
            answer.withArray("results").add(json("{'from':{'id':'" + first + "'},'to':[{'toObjectId':5,'associationTypes':[]}]}"));
            return answer;
        }, 0);

        Map<String, List<AssociatedRecord>> read = reader.read(AssociationKind.CONTACTS, ids(1_000));
        assertThat(sizes).first().isEqualTo(1000);
        assertThat(sizes.subList(1, sizes.size())).hasSize(10).containsOnly(100);
        assertThat(read).hasSize(1_000);
        assertThat(read.get("100")).extracting(AssociatedRecord::id).containsExactly("5");
        assertThat(reader.inputs()).isEqualTo(100);

        sizes.clear();
        reader.read(AssociationKind.CONTACTS, ids(300));
        assertThat(sizes).containsExactly(100, 100, 100);
    }

    @Test
    void a_400_to_a_small_request_is_a_failure_not_a_reason_to_shrink() {
        AssociationReader reader = new AssociationReader((kind, body) -> {
            throw new ExtractionFailure(new ScanError(ScanError.SOURCE_REJECTED,
                    "HubSpot rejected a request (HTTP 400)", "bad input"));
        }, 0);

        assertThatThrownBy(() -> reader.read(AssociationKind.CONTACTS, ids(50))).isInstanceOf(ExtractionFailure.class);
        assertThat(reader.inputs()).isEqualTo(1000);
    }

    static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> Integer.toString(100 + i)).toList();
    }
}
