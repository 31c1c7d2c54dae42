package dev.kiln.rotateplan;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One row of {@code autoscaling:DescribeTags}, named as the Auto Scaling API names it:
 * {@code {"ResourceId": "web-blue", "ResourceType": "auto-scaling-group", "Key": "kiln:role", "Value": "web",
 * "PropagateAtLaunch": true}}.
 */
record TagDescription(@JsonProperty("ResourceId") String resourceId, @JsonProperty("ResourceType") String resourceType,
                      @JsonProperty("Key") String key, @JsonProperty("Value") String value,
                      @JsonProperty("PropagateAtLaunch") Boolean propagateAtLaunch) {

    static final String ROTATE = "kiln:rotate";
    static final String ROLE = "kiln:role";
    static final String FREEZE = "kiln:freeze";
}
