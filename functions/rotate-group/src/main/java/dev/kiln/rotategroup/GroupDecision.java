package dev.kiln.rotategroup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;

/**
 * What rotate does with one group; every field is always in the answer (null where unknown).
 *
 * @param action           {@code refresh} or {@code skip}
 * @param reason           why, in words people read
 * @param launchTemplateId the template the group launches from, once it was looked up
 * @param version          the template version the group is (or is to be) pinned to: always a number
 * @param createdVersion   whether a version was created for the image
 * @param instances        the group's pending and running instances, 0 when they were not looked at
 * @param request          the StartInstanceRefresh request, as the Auto Scaling API names its fields;
 *                         empty when skipping
 */
public record GroupDecision(String action, String reason, String launchTemplateId, String version,
                            boolean createdVersion, int instances, ObjectNode request) {

    static GroupDecision skip(String reason) {
        return new GroupDecision("skip", reason, null, null, false, 0, Json.MAPPER.createObjectNode());
    }

    static GroupDecision skip(String reason, String launchTemplateId, String version, int instances) {
        return new GroupDecision("skip", reason, launchTemplateId, version, false, instances, Json.MAPPER.createObjectNode());
    }
}
