package dev.kiln.bluegreenplan;

import dev.kiln.common.workflow.Poll;
import java.util.List;
import java.util.Map;

/**
 * blue-green-plan's answer: everything the state machine sends, decided once. AWS request parts are maps in
 * AWS's own field names, so the state machine passes them on as they are.
 *
 * @param execution   the execution's name: client tokens and log prefixes carry it
 * @param reason      why, as the input says
 * @param summary     one line people read, e.g. "web release 1.4.0 on ami-… to green (web-green); live: blue (web-blue)"
 * @param changes     what the release changes, a line each, for the approvers
 * @param mail        the notification topic's messages that the state machine sends as they are, or after a lead
 * @param release     the release pinned to the idle colour, as its JSON (empty when the role has none)
 * @param emptyFirst  whether the idle group still has instances (a release that ended badly): they go first
 * @param template    CreateLaunchTemplateVersion's request: the idle group's version, with the new image
 * @param livePreviously what the live colour runs as recorded, to restore at a rollback; null when it was never recorded
 * @param preview     the office-only listener rule
 * @param previewAddress the load balancer's address, which shows the idle colour to requests from previewCidrs
 * @param steps       the switch, step by step
 * @param backToLive  the listener's default actions that send everything back to the live colour
 * @param smoke       the smoke checks' Run Command parameters and output prefix; null when there are none
 */
record BlueGreenPlan(
        String role,
        String execution,
        String reason,
        String summary,
        List<String> changes,
        Mail mail,
        Image image,
        String version,
        String release,
        String listenerArn,
        Colour live,
        Colour idle,
        LivePreviously livePreviously,
        Capacity capacity,
        boolean emptyFirst,
        Map<String, Object> template,
        Preview preview,
        String previewAddress,
        List<String> previewCidrs,
        List<Step> steps,
        List<Map<String, Object>> backToLive,
        Smoke smoke,
        Approval approval,
        int keepOldSeconds,
        List<String> alarms,
        boolean watchesAlarms,
        Polls polls,
        Logs logs) {

    record Image(String imageId, String sha) {
    }

    /**
     * @param lead     the summary and a blank line, which the state machine's own messages start with
     * @param started  the whole message when the release starts
     * @param switched the whole message when every request goes to the new colour
     */
    record Mail(String lead, String started, String switched) {
    }

    record Colour(String colour, String group, String targetGroupArn) {
    }

    /** @param release the release's JSON, empty when none */
    record LivePreviously(String colour, String imageId, String sha, String release) {
    }

    /** The live group's size, which the idle one takes. */
    record Capacity(int min, int max, int desired) {
    }

    /**
     * @param ruleArn Kiln's preview rule from an earlier release of the role (changed, not made again); null when there is none
     * @param create  CreateRule's request
     * @param modify  ModifyRule's request, when there is a rule
     */
    record Preview(String ruleArn, Map<String, Object> create, Map<String, Object> modify) {
    }

    /**
     * One step of the switch.
     *
     * @param percent      the share of requests the new colour gets
     * @param actions      the listener's default actions for it
     * @param pauseSeconds how long to watch the alarms before the next step (0 for the last)
     * @param last         whether every request goes to the new colour
     */
    record Step(int percent, List<Map<String, Object>> actions, int pauseSeconds, boolean last) {
    }

    record Smoke(Map<String, List<String>> parameters, String outputPrefix, String failure) {
    }

    /**
     * @param timeoutSeconds how long the release waits for a decision
     * @param topicArn       the approvers' topic; null: Kiln's notification topic
     */
    record Approval(int timeoutSeconds, String topicArn) {
    }

    /** How long each wait asks: the idle group emptied, its instances ready, the smoke checks done. */
    record Polls(Poll empty, Poll ready, Poll smoke) {
    }

    record Logs(String bucket, String prefix, String uri) {
    }
}
