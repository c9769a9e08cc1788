package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/** Labels of a portal's deal pipelines and stages, from {@code GET /crm/v3/pipelines/deals}. */
final class Pipelines {
    static final Pipelines NONE = new Pipelines(Map.of(), Map.of());

    private final Map<String, String> pipelineLabels;
    private final Map<String, String> stageLabels;

    private Pipelines(Map<String, String> pipelineLabels, Map<String, String> stageLabels) {
        this.pipelineLabels = pipelineLabels;
        this.stageLabels = stageLabels;
    }

    static Pipelines from(JsonNode answer) {
        Map<String, String> pipelines = new HashMap<>();
        Map<String, String> stages = new HashMap<>();
        for (JsonNode p : answer.path("results")) {
            String id = p.path("id").asText();
            pipelines.put(id, p.path("label").asText(null));
            for (JsonNode s : p.path("stages")) {
                stages.put(id + "/" + s.path("id").asText(), s.path("label").asText(null));
            }
        }
        return new Pipelines(pipelines, stages);
    }

    String pipelineLabel(String pipeline) {
        return pipeline == null ? null : pipelineLabels.get(pipeline);
    }

    String stageLabel(String pipeline, String stage) {
        return pipeline == null || stage == null ? null : stageLabels.get(pipeline + "/" + stage);
    }
}
