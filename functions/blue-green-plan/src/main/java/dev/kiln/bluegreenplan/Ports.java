package dev.kiln.bluegreenplan;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What blue-green-plan reads and claims; adapters in the handler, fakes in the tests. */
final class Ports {

    private Ports() {
    }

    /** A target group a forward action sends to, with its weight (a plain forward sends everything: weight 1). */
    record Forward(String targetGroupArn, int weight) {
    }

    /**
     * A listener as blue/green sees it.
     *
     * @param defaultActionTypes the types of its default actions, in order (blue/green switches one that only forwards)
     * @param forwards           where its forward default action sends, empty when it has none
     */
    record Listener(String arn, String loadBalancerArn, String protocol, int port, List<String> defaultActionTypes,
                    List<Forward> forwards) {
    }

    /** One of a listener's rules but the default, with its tags. */
    record Rule(String arn, int priority, Map<String, String> tags) {
    }

    /** The listener's side: the listener and its rules. */
    interface LoadBalancing {

        /** Empty when there is no such listener. */
        Optional<Listener> listener(String arn);

        /** Every rule of the listener but its default one, with its tags. */
        List<Rule> rules(String listenerArn);

        /** The load balancer's DNS name; empty when there is no such load balancer. */
        Optional<String> dnsName(String loadBalancerArn);
    }

    /**
     * An Auto Scaling group as blue/green sees it.
     *
     * @param launchTemplateId      null when the group does not launch from a launch template of its own
     * @param launchTemplateVersion the version it launches ({@code $Latest}, {@code $Default} or a number)
     * @param suspended             its suspended processes
     */
    record Group(String name, int min, int max, int desired, int instances, List<String> targetGroupArns,
                 String launchTemplateId, String launchTemplateVersion, List<String> suspended) {
    }

    interface Groups {

        /** Empty when there is no such group. */
        Optional<Group> group(String name);
    }

    /** The release of a role that holds it: which execution, what it releases, since when. */
    record Holder(String executionArn, String imageId, String version, Instant startedAt) {
    }

    /**
     * What a role's live colour runs, as the last switch to it recorded.
     *
     * @param release the release's JSON, empty when the colour runs none
     * @param version the release's version, null when it runs none
     */
    record Live(String colour, String imageId, String sha, String release, String version) {
    }

    /** The releases table: one release of a role at a time, and what its live colour runs. */
    interface Releases {

        /** The release that holds the role, if any (running or not). */
        Optional<Holder> holder(String role);

        /**
         * Makes {@code mine} the role's release, unless another execution than {@code replacing}'s (or than
         * mine) took it meanwhile.
         *
         * @param replacing the ended execution whose claim is taken over; empty when the role was free
         * @return whether the claim is mine
         */
        boolean claim(String role, Holder mine, Optional<Holder> replacing);

        /** Empty before the role's first switch. */
        Optional<Live> live(String role);
    }

    /** A role's published image (the bakes table's {@code current#<role>}) and the advisories its bake applied. */
    interface Images {

        /** Empty when the role has no published image yet. */
        Optional<Image> current(String role);

        /** The advisories the image's bake applied (the images table), none when it has no record. */
        List<String> advisories(String imageId);
    }

    record Image(String imageId, String sha) {
    }

    /** Step Functions: whether an execution still runs. */
    interface Executions {

        boolean running(String executionArn);
    }
}
