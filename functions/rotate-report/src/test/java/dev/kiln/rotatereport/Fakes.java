package dev.kiln.rotatereport;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.testing.RecordingJsonStore;
import dev.kiln.rotatereport.errors.PlanNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fakes of rotate-report's ports, capturing exactly what the service asked for and wrote. */
final class Fakes {

    private Fakes() {
    }

    static final class StoredPlans implements Ports.PlannedGroups {

        final Map<String, String> plans = new HashMap<>();

        @Override
        public String read(String bucket, String key) {
            String plan = plans.get(bucket + "/" + key);
            if (plan == null) {
                throw new PlanNotFoundException("s3://" + bucket + "/" + key + " does not exist", null);
            }
            return plan;
        }
    }

    /** The rotations table: items by rotation, in sort key order as a Query returns them. */
    static final class RecordedOutcomes implements Ports.Outcomes {

        final Map<String, Map<String, Ports.Recorded>> items = new HashMap<>();
        final List<String> queried = new ArrayList<>();

        void record(String rotation, String asg, String outcome) {
            record(rotation, asg, outcome, null);
        }

        void record(String rotation, String asg, String outcome, String recordedAt) {
            items.computeIfAbsent(rotation, r -> new java.util.TreeMap<>()).put(asg, new Ports.Recorded(asg, outcome, recordedAt));
        }

        @Override
        public List<Ports.Recorded> of(String rotation) {
            queried.add(rotation);
            return new ArrayList<>(items.getOrDefault(rotation, Map.of()).values());
        }
    }

    static final class RecordingReportStore extends RecordingJsonStore implements Ports.ReportStore {
    }

    /** The advisories ledger: the patch records that exist, and every rotation recorded on one. */
    static final class Ledger implements Ports.AdvisoryLedger {

        record Call(String advisory, Ports.Rotated rotated) {
        }

        final List<String> patchRecords = new ArrayList<>();
        final List<Call> calls = new ArrayList<>();
        final Map<String, Ports.Rotated> recorded = new LinkedHashMap<>();

        @Override
        public boolean recordRotation(String advisory, Ports.Rotated rotated) {
            calls.add(new Call(advisory, rotated));
            if (!patchRecords.contains(advisory)) {
                return false;
            }
            recorded.put(advisory, rotated);
            return true;
        }
    }

    /** A groups.json item as rotate-plan writes it. */
    static ObjectNode item(String asg, String role, String imageId, String skip) {
        return Json.MAPPER.createObjectNode().put("asg", asg).put("role", role).put("imageId", imageId).put("skip", skip);
    }

    static String plan(ObjectNode... items) {
        ArrayNode plan = Json.MAPPER.createArrayNode();
        for (ObjectNode item : items) {
            plan.add(item);
        }
        return plan.toString();
    }

    /**
     * web-blue's outcome as rotate's Record state writes it, whole: the contract's fields, and the
     * DescribeInstanceRefreshes entry of its refresh onto {@code imageId}, from {@code start} to {@code end}.
     */
    static String webBlueAsRecorded(String imageId, String start, String end) {
        return """
                {"asg": "web-blue", "role": "web", "imageId": "%s", "outcome": "succeeded", "reason": "every instance replaced",
                 "refreshId": "08b91cf7-8fa6-48af-b6a6-d227f40f1b9b", "launchTemplateId": "lt-0a20c965061f64abc", "version": "8",
                 "createdVersion": true, "instances": 4, "status": "Successful",
                 "refresh": {"InstanceRefreshId": "08b91cf7-8fa6-48af-b6a6-d227f40f1b9b", "AutoScalingGroupName": "web-blue",
                             "Status": "Successful", "StatusReason": "Refresh complete", "StartTime": "%s",
                             "EndTime": "%s", "PercentageComplete": 100, "InstancesToUpdate": 0}}""".formatted(imageId, start, end);
    }
}
