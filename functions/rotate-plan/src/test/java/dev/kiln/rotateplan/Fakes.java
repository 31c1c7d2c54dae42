package dev.kiln.rotateplan;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.kiln.common.Json;
import dev.kiln.common.testing.RecordingJsonStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Fakes of rotate-plan's ports, capturing exactly what the service asked for and wrote. */
final class Fakes {

    private Fakes() {
    }

    /** The tag pages the state machine stored, by bucket and prefix. */
    static final class StoredTagPages implements Ports.TagPages {

        final Map<String, List<Ports.Page>> pages = new HashMap<>();
        final List<String> read = new ArrayList<>();

        void store(String bucket, String prefix, String... bodies) {
            List<Ports.Page> stored = pages.computeIfAbsent(bucket + "/" + prefix, p -> new ArrayList<>());
            for (String body : bodies) {
                stored.add(new Ports.Page(prefix + String.format("%04d", stored.size()) + ".json", body));
            }
        }

        @Override
        public List<Ports.Page> read(String bucket, String prefix) {
            read.add(bucket + "/" + prefix);
            return pages.getOrDefault(bucket + "/" + prefix, List.of());
        }
    }

    static final class PublishedImages implements Ports.CurrentImages {

        final Map<String, String> images = new HashMap<>();
        final List<String> lookedUp = new ArrayList<>();

        @Override
        public Optional<String> imageId(String role) {
            lookedUp.add(role);
            return Optional.ofNullable(images.get(role));
        }
    }

    static final class RecordingPlanStore extends RecordingJsonStore implements Ports.PlanStore {
    }

    /** A DescribeTags row as the Auto Scaling API names it. */
    static Map<String, Object> row(String asg, String key, String value) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("ResourceId", asg);
        row.put("ResourceType", "auto-scaling-group");
        row.put("Key", key);
        row.put("Value", value);
        row.put("PropagateAtLaunch", true);
        return row;
    }

    /** One stored page: the TagDescriptions array. */
    @SafeVarargs
    static String page(Map<String, Object>... rows) {
        return page(List.of(rows));
    }

    static String page(List<Map<String, Object>> rows) {
        ArrayNode page = Json.MAPPER.createArrayNode();
        for (Map<String, Object> row : rows) {
            page.add(Json.MAPPER.valueToTree(row));
        }
        return page.toString();
    }
}
