package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The security advisories Kiln announced, each with its announcement (the detail the announce workflow put on Kiln's
 * bus, which is patch's input) and its patch as the ledger records it (docs/advisories.md).
 */
final class Advisories {

    /**
     * One announced advisory.
     *
     * @param detail its announcement's detail (id, severity, packages, ...); null when the announce execution is gone
     * @param patch  its patch#&lt;id&gt; record (state, executionArn, rotatedAt, instancesReplaced, ...); empty when none
     */
    record Advisory(String id, String announcedAt, JsonNode detail, Map<String, String> patch) {

        String patchState() {
            return patch.getOrDefault("state", "NOT STARTED");
        }

        /** Not yet out of the fleets: no patch, or one that is waiting, running, incomplete, or patched but not rotated. */
        boolean open() {
            return !patchState().equals("NOT_AFFECTED") && !(patchState().equals("PATCHED") && patch.containsKey("rotatedAt"));
        }

        String severity() {
            return detail == null ? "?" : detail.path("severity").asText("?");
        }

        String packages() {
            List<String> names = new ArrayList<>();
            if (detail != null) {
                detail.path("packages").forEach(p -> names.add(p.asText()));
            }
            return names.isEmpty() ? "?" : String.join(" ", names);
        }

        ObjectNode json() {
            ObjectNode a = Json.MAPPER.createObjectNode().put("id", id).put("announcedAt", announcedAt).put("open", open())
                    .put("patch", patchState());
            if (detail != null) {
                a.set("detail", detail);
            }
            ObjectNode record = a.putObject("patchRecord");
            patch.forEach(record::put);
            return a;
        }
    }

    private Advisories() {
    }

    /** Every advisory Kiln announced, the newest announcement first. */
    static List<Advisory> read(Kiln kiln) {
        Deployment deployment = kiln.deployment();
        Cloud cloud = kiln.context().cloud();
        List<Map<String, String>> records = cloud.ledger(deployment.output("AdvisoriesTableName"));
        Map<String, Map<String, String>> patches = new HashMap<>();
        records.stream().filter(r -> r.get("key").startsWith("patch#"))
                .forEach(r -> patches.put(r.get("key").substring("patch#".length()), r));
        String announce = deployment.output("AnnounceStateMachineArn").replace(":stateMachine:", ":execution:");
        List<Advisory> advisories = new ArrayList<>();
        for (Map<String, String> record : records) {
            if (!record.get("key").startsWith("advisory#") || !record.containsKey("advisoryId")) {
                continue; // claimed by a read that has not announced it yet
            }
            String feedKey = record.get("key").substring("advisory#".length());
            JsonNode detail = cloud.find(announce + ":alas-" + feedKey.replace('#', '-')).map(Cloud.Execution::input)
                    .map(JsonText::parse).orElse(null);
            String id = record.get("advisoryId");
            advisories.add(new Advisory(id, record.get("announcedAt"), detail, patches.getOrDefault(id, Map.of())));
        }
        advisories.sort(Comparator.comparing((Advisory a) -> String.valueOf(a.announcedAt())).reversed());
        return advisories;
    }
}
