package dev.kiln.lifecycleplan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.lifecycleplan.errors.InvalidLifecycleEventException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An Auto Scaling "EC2 Instance-launch/terminate Lifecycle Action" event, checked field by field.
 * Its fields go into Auto Scaling and EC2 requests only, never into a command.
 *
 * @param origin      {@code EC2}, {@code AutoScalingGroup} or {@code WarmPool}; only groups with a warm pool send it
 * @param destination likewise
 */
public record LifecycleEvent(
        Kind kind,
        String autoScalingGroupName,
        String lifecycleHookName,
        String lifecycleActionToken,
        String instanceId,
        Optional<String> origin,
        Optional<String> destination) {

    /** The two lifecycle transitions, with the detail-type and transition Auto Scaling names them by. */
    public enum Kind {
        LAUNCH("EC2 Instance-launch Lifecycle Action", "autoscaling:EC2_INSTANCE_LAUNCHING"),
        TERMINATE("EC2 Instance-terminate Lifecycle Action", "autoscaling:EC2_INSTANCE_TERMINATING");

        final String detailType;
        final String transition;

        Kind(String detailType, String transition) {
            this.detailType = detailType;
            this.transition = transition;
        }
    }

    private static final Pattern INSTANCE = Pattern.compile("i-[0-9a-f]{8,17}");
    private static final Pattern GROUP = Pattern.compile("[^\\p{Cntrl}]{1,255}");
    private static final Pattern HOOK = Pattern.compile("[A-Za-z0-9_/-]{1,255}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9-]{1,128}");
    private static final Pattern PLACE = Pattern.compile("EC2|AutoScalingGroup|WarmPool");
    private static final Map<String, Kind> BY_DETAIL_TYPE = Map.of(
            Kind.LAUNCH.detailType, Kind.LAUNCH, Kind.TERMINATE.detailType, Kind.TERMINATE);

    public static LifecycleEvent parse(JsonNode event) {
        if (event == null || !event.isObject() || !"aws.autoscaling".equals(event.path("source").asText())) {
            throw new InvalidLifecycleEventException("not an aws.autoscaling event");
        }
        Kind kind = BY_DETAIL_TYPE.get(event.path("detail-type").asText());
        if (kind == null) {
            throw new InvalidLifecycleEventException("not a lifecycle action: detail-type is '"
                    + event.path("detail-type").asText() + "'");
        }
        JsonNode detail = event.path("detail");
        String transition = detail.path("LifecycleTransition").asText();
        if (!kind.transition.equals(transition)) {
            throw new InvalidLifecycleEventException("detail.LifecycleTransition '" + transition + "' does not go with '"
                    + kind.detailType + "'");
        }
        return new LifecycleEvent(kind,
                field(detail, "AutoScalingGroupName", GROUP),
                field(detail, "LifecycleHookName", HOOK),
                field(detail, "LifecycleActionToken", TOKEN),
                field(detail, "EC2InstanceId", INSTANCE),
                place(detail, "Origin"),
                place(detail, "Destination"));
    }

    /** A launch into the warm pool: the instance is prepared there, not put in service. */
    public boolean intoWarmPool() {
        return kind == Kind.LAUNCH && destination.filter("WarmPool"::equals).isPresent();
    }

    private static String field(JsonNode detail, String name, Pattern pattern) {
        String value = detail.path(name).asText("");
        if (!pattern.matcher(value).matches()) {
            throw new InvalidLifecycleEventException("detail." + name + " is missing or not valid: '" + value + "'");
        }
        return value;
    }

    private static Optional<String> place(JsonNode detail, String name) {
        if (detail.path(name).isMissingNode() || detail.path(name).isNull()) {
            return Optional.empty();
        }
        return Optional.of(field(detail, name, PLACE));
    }
}
