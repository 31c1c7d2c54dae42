package dev.kiln.bluegreenplan;

import dev.kiln.bluegreenplan.Ports.Forward;
import dev.kiln.bluegreenplan.Ports.Group;
import dev.kiln.bluegreenplan.Ports.Holder;
import dev.kiln.bluegreenplan.Ports.Image;
import dev.kiln.bluegreenplan.Ports.Listener;
import dev.kiln.bluegreenplan.Ports.Live;
import dev.kiln.bluegreenplan.Ports.Rule;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.release.Release;
import dev.kiln.common.testing.KilnConfigs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A role released blue/green and the AWS it sees, in memory: blue live, green empty, nothing running. */
final class Fakes {

    static final String LISTENER = "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
    static final String LOAD_BALANCER = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
    static final String BLUE_TARGETS = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web-blue/73e2d6bc24d8a067";
    static final String GREEN_TARGETS = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web-green/5f3c7e1a9b2d4c60";
    static final String EXECUTION = "arn:aws:states:us-west-2:123456789012:execution:kiln-blue-green:web-1-4-0";
    static final String OTHER_EXECUTION = "arn:aws:states:us-west-2:123456789012:execution:kiln-blue-green:web-1-3-9";
    static final Instant STARTED = Instant.parse("2026-12-07T01:00:00Z");
    static final String SHA = "8f3e2a1b9c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f";
    static final String LIVE_SHA = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";

    static final String BLUE_GREEN = """
            {"listenerArn": "%s",
             "blue": {"group": "web-blue", "targetGroupArn": "%s"},
             "green": {"group": "web-green", "targetGroupArn": "%s"},
             "previewCidrs": ["203.0.113.10/32"],
             "readyTimeoutMinutes": 20}""".formatted(LISTENER, BLUE_TARGETS, GREEN_TARGETS);

    static KilnConfig config(String blueGreen) {
        return KilnConfigJson.read(KilnConfigs.document("""
                "roles": [{"name": "web", "parent": {"amazonLinux": "2023", "architecture": "arm64"},
                           "playbook": "web.yml", "tests": "tests/web.sh", "watch": ["web.yml"], "blueGreen": %s},
                          {"name": "batch", "parent": {"amazonLinux": "2023", "architecture": "arm64"},
                           "playbook": "batch.yml", "tests": "tests/batch.sh", "watch": ["batch.yml"]}]""".formatted(blueGreen)));
    }

    KilnConfig config = config(BLUE_GREEN);
    Optional<Release> release = Optional.of(new Release("web", "1.4.0",
            "s3://kiln-artifacts/releases/web/web-1.4.0.tar.gz", "a".repeat(64), "2026-12-07T00:00:00Z"));
    Optional<Image> image = Optional.of(new Image("ami-0new0000000000001", SHA));
    Map<String, List<String>> advisories = new HashMap<>(Map.of("ami-0new0000000000001", List.of("ALAS2023-2026-1201")));
    Listener listener = listener(new Forward(BLUE_TARGETS, 1));
    List<Rule> rules = new ArrayList<>(List.of(new Rule(LISTENER.replace(":listener/", ":listener-rule/") + "/9683b2d02a6cabee", 10,
            Map.of())));
    Map<String, Group> groups = new HashMap<>(Map.of(
            "web-blue", new Group("web-blue", 2, 8, 4, 4, List.of(BLUE_TARGETS), "lt-0blue000000000001", "7", List.of()),
            "web-green", new Group("web-green", 0, 8, 0, 0, List.of(GREEN_TARGETS), "lt-0green00000000001", "$Latest", List.of())));
    Optional<Holder> holder = Optional.empty();
    Optional<Live> live = Optional.of(live("blue", "ami-0old0000000000001", LIVE_SHA, "1.3.9"));
    Set<String> running = new HashSet<>();
    final List<Holder> claims = new ArrayList<>();

    BlueGreenPlanService service() {
        return new BlueGreenPlanService(() -> config, role -> release.filter(r -> r.role().equals(role)),
                new Ports.Images() {
                    @Override
                    public Optional<Image> current(String role) {
                        return role.equals("web") ? image : Optional.empty();
                    }

                    @Override
                    public List<String> advisories(String imageId) {
                        return advisories.getOrDefault(imageId, List.of());
                    }
                },
                new Ports.LoadBalancing() {
                    @Override
                    public Optional<Listener> listener(String arn) {
                        return Optional.ofNullable(listener).filter(l -> l.arn().equals(arn));
                    }

                    @Override
                    public List<Rule> rules(String listenerArn) {
                        return rules;
                    }

                    @Override
                    public Optional<String> dnsName(String loadBalancerArn) {
                        return Optional.of("web-1234567890.us-west-2.elb.amazonaws.com").filter(d -> loadBalancerArn.equals(LOAD_BALANCER));
                    }
                },
                name -> Optional.ofNullable(groups.get(name)),
                new Ports.Releases() {
                    @Override
                    public Optional<Holder> holder(String role) {
                        return holder;
                    }

                    @Override
                    public boolean claim(String role, Holder mine, Optional<Holder> replacing) {
                        if (!replacing.equals(holder.filter(h -> !h.executionArn().equals(mine.executionArn())))) {
                            return false;
                        }
                        claims.add(mine);
                        holder = Optional.of(mine);
                        return true;
                    }

                    @Override
                    public Optional<Live> live(String role) {
                        return live;
                    }
                },
                running::contains,
                new Config("/kiln/config", "kiln-bakes", "kiln-images", "kiln-releases", "/kiln/releases/", "kiln-artifacts"));
    }

    static Listener listener(Forward... forwards) {
        return new Listener(LISTENER, LOAD_BALANCER, "HTTPS", 443, List.of("forward"), List.of(forwards));
    }

    static Live live(String colour, String imageId, String sha, String version) {
        Release release = new Release("web", version, "s3://kiln-artifacts/releases/web/web-" + version + ".tar.gz", "b".repeat(64), null);
        return new Live(colour, imageId, sha, release.toJson(), version);
    }

    static PlanRequest request() {
        return new PlanRequest("web", "release by day", EXECUTION, "web-1-4-0", STARTED);
    }
}
