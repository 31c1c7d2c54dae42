package dev.kiln.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.config.KilnConfig.AmazonLinux;
import dev.kiln.common.config.KilnConfig.ParentRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KilnConfigJsonTest {

    private static String example() throws Exception {
        return Files.readString(Path.of(System.getProperty("kiln.root"), "examples", "kiln.json"));
    }

    private static final String MINIMAL = """
            {"repository": {"owner": "example-org", "name": "fleet", "branch": "main"},
             "builder": {"vpcId": "vpc-0a1b2c3d", "subnetIds": ["subnet-0a1b2c3d"], "instanceTypes": ["t4g.large"]},
             "roles": [{"name": "base", "parent": {"amazonLinux": "2", "architecture": "x86_64"},
                        "playbook": "base.yml", "tests": "tests/base.sh", "watch": ["base.yml", "tests/**"]}]}
            """;

    @Test
    void shouldReadTheExampleConfiguration() throws Exception {
        KilnConfig config = KilnConfigJson.read(example());

        assertThat(config.repository().fullName()).isEqualTo("example-org/fleet");
        assertThat(config.repository().apiUrl()).isEqualTo("https://api.github.com");
        assertThat(config.roles()).extracting(KilnConfig.Role::name).containsExactly("base", "web");
        assertThat(config.role("web").orElseThrow().parent()).isEqualTo(new ParentRole("base"));
        assertThat(config.children("base")).extracting(KilnConfig.Role::name).containsExactly("web");
        assertThat(config.baseOf("web")).isEqualTo(new AmazonLinux("2023", "arm64"));
        assertThat(config.baseOf("web").imageParameter())
                .isEqualTo("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
        assertThat(config.notifications().emails()).containsExactly("sre@example.com");
    }

    @Test
    void shouldFillInDefaultsAndGiveEachRoleTheBuilderSettings() {
        KilnConfig config = KilnConfigJson.read(MINIMAL);

        assertThat(config.builder().volumeSizeGiB()).isEqualTo(16);
        assertThat(config.builder().ssmTimeoutMinutes()).isEqualTo(10);
        assertThat(config.builder().imageTimeoutMinutes()).isEqualTo(240);
        assertThat(config.role("base").orElseThrow().builder()).isEqualTo(config.builder());
        assertThat(config.retention()).isEqualTo(new KilnConfig.Retention(5, false));
        assertThat(config.baseOf("base").imageParameter())
                .isEqualTo("/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2");
    }

    @Test
    void shouldReserveASmallConcurrencyForTheWebhookAndEnoughForLaunchesByDefault() {
        assertThat(KilnConfigJson.read(MINIMAL).concurrency()).isEqualTo(new KilnConfig.Concurrency(5, 20));
        assertThat(KilnConfigJson.read(MINIMAL.replace("\"roles\"", "\"concurrency\": {\"webhook\": 2, \"lifecycle\": 50}, \"roles\""))
                .concurrency()).isEqualTo(new KilnConfig.Concurrency(2, 50));
    }

    @Test
    void shouldRefuseAConcurrencyThatIsNoneOrUnbounded() {
        assertThatThrownBy(() -> KilnConfigJson.read(MINIMAL.replace("\"roles\"",
                "\"concurrency\": {\"webhook\": 0, \"lifecycle\": 5000, \"everything\": 1}, \"roles\"")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("concurrency.webhook: must be a whole number from 1 to 100, got 0")
                .hasMessageContaining("concurrency.lifecycle: must be a whole number from 1 to 1000, got 5000")
                .hasMessageContaining("everything");
    }

    @Test
    void shouldSuspendAGroupAfterFiveFailedLaunchesInAnHourByDefaultAndNeverWhenToldZero() {
        assertThat(KilnConfigJson.read(MINIMAL).launchFailures()).isEqualTo(new KilnConfig.LaunchFailures(5, 60));
        KilnConfig.LaunchFailures never = KilnConfigJson.read(MINIMAL.replace("\"roles\"",
                "\"launchFailures\": {\"suspendAfter\": 0, \"windowMinutes\": 30}, \"roles\"")).launchFailures();
        assertThat(never).isEqualTo(new KilnConfig.LaunchFailures(0, 30));
        assertThat(never.suspends()).isFalse();
    }

    @Test
    void shouldRefuseLaunchFailureLimitsOutOfRange() {
        assertThatThrownBy(() -> KilnConfigJson.read(MINIMAL.replace("\"roles\"",
                "\"launchFailures\": {\"suspendAfter\": -1, \"windowMinutes\": 0, \"after\": 1}, \"roles\"")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("launchFailures.suspendAfter: must be a whole number from 0 to 100, got -1")
                .hasMessageContaining("launchFailures.windowMinutes: must be a whole number from 1 to 1440, got 0")
                .hasMessageContaining("after");
    }

    @Test
    void shouldLetARoleOverrideSomeBuilderSettings() {
        KilnConfig config = KilnConfigJson.read(MINIMAL.replace("\"watch\": [\"base.yml\", \"tests/**\"]",
                "\"watch\": [\"base.yml\"], \"builder\": {\"instanceTypes\": [\"c7g.xlarge\"], \"volumeSizeGiB\": 40}"));

        KilnConfig.BuilderSettings builder = config.role("base").orElseThrow().builder();
        assertThat(builder.instanceTypes()).containsExactly("c7g.xlarge");
        assertThat(builder.volumeSizeGiB()).isEqualTo(40);
        assertThat(builder.subnetIds()).containsExactly("subnet-0a1b2c3d");
    }

    @Test
    void shouldReadBackTheNormalizedDocumentItWrites() throws Exception {
        KilnConfig config = KilnConfigJson.read(example());

        assertThat(KilnConfigJson.read(KilnConfigJson.write(config))).isEqualTo(config);
    }

    @Test
    void shouldReportEveryProblemAtOnceByItsPlaceInTheDocument() {
        String broken = """
                {"repository": {"owner": "example org", "name": "fleet"},
                 "builder": {"vpcId": "vpc-0a1b2c3d", "subnetIds": [], "instanceTypes": ["t4g.large"], "volumeSizeGiB": 2},
                 "roles": [
                   {"name": "web", "parent": {"role": "bsae"}, "playbook": "../web.yml", "tests": "t.sh", "watch": ["web/**"]},
                   {"name": "web", "parent": {"amazonLinux": "2023"}, "playbook": "w.yml", "tests": "t.sh", "watch": ["w/**"], "colour": "blue"}],
                 "retention": {"keepImages": 0}}
                """;

        assertThatThrownBy(() -> KilnConfigJson.read(broken))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "repository.owner: 'example org' is not a GitHub user or organisation",
                        "repository.branch: must be a branch name",
                        "builder.subnetIds: must be a non-empty list of subnet ids (subnet-...)",
                        "builder.volumeSizeGiB: must be a whole number from 8 to 16384, got 2",
                        "roles[0] (web).playbook: '../web.yml' is not a path inside the repository",
                        "roles[1].colour: is not a setting Kiln knows (known here: name, parent, playbook, tests, watch, builder, deploy, drain, blueGreen)",
                        "roles[1].name: 'web' names two roles",
                        "roles[1] (web).parent.architecture: must be arm64 or x86_64",
                        "role web: its parent role 'bsae' is not a role in this document",
                        "retention.keepImages: must be a whole number from 1 to 1000, got 0"))
                .hasMessageStartingWith("the Kiln configuration is not valid:\n  - ");
    }

    @Test
    void shouldRefuseRolesThatAreEachOthersParents() {
        String circular = """
                {"repository": {"owner": "example-org", "name": "fleet", "branch": "main"},
                 "builder": {"vpcId": "vpc-0a1b2c3d", "subnetIds": ["subnet-0a1b2c3d"], "instanceTypes": ["t4g.large"]},
                 "roles": [
                   {"name": "a", "parent": {"role": "b"}, "playbook": "a.yml", "tests": "a.sh", "watch": ["a/**"]},
                   {"name": "b", "parent": {"role": "a"}, "playbook": "b.yml", "tests": "b.sh", "watch": ["b/**"]}]}
                """;

        assertThatThrownBy(() -> KilnConfigJson.read(circular))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "role a: its parents go round in a circle: a -> b -> a",
                        "role b: its parents go round in a circle: b -> a -> b"));
    }

    @Test
    void shouldSayWhereTheJsonIsBroken() {
        assertThatThrownBy(() -> KilnConfigJson.read("{\"roles\": [}"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .singleElement().asString().startsWith("the document is not valid JSON").contains("line 1, column 12"));
    }

    @Test
    void shouldRefuseAParentThatIsBothOrNeither() {
        String both = MINIMAL.replace("{\"amazonLinux\": \"2\", \"architecture\": \"x86_64\"}",
                "{\"amazonLinux\": \"2\", \"architecture\": \"x86_64\", \"role\": \"base\"}");

        assertThatThrownBy(() -> KilnConfigJson.read(both))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .isEqualTo(List.of("roles[0] (base).parent: give either amazonLinux (with architecture) or role")));
    }

    @Test
    void shouldTakeAnEnterpriseApiUrlOverHttpsAndPlainHttpOnlyOnThisMachine() {
        String withApi = MINIMAL.replace("\"branch\": \"main\"}", "\"branch\": \"main\", \"apiUrl\": \"%s\"}");

        assertThat(KilnConfigJson.read(withApi.formatted("https://github.example.com/api/v3/")).repository().apiUrl())
                .isEqualTo("https://github.example.com/api/v3");
        assertThat(KilnConfigJson.read(withApi.formatted("http://127.0.0.1:9797")).repository().apiUrl())
                .isEqualTo("http://127.0.0.1:9797");
        assertThatThrownBy(() -> KilnConfigJson.read(withApi.formatted("http://github.example.com/api/v3")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("repository.apiUrl"));
    }

    @Test
    void shouldReadTheAdvisorySettingsWithSafeDefaults() {
        KilnConfig.Advisories defaults = KilnConfigJson.read(MINIMAL).advisories();
        KilnConfig config = KilnConfigJson.read(MINIMAL.replace("}]}", """
                }], "advisories": {"siteUrl": "http://127.0.0.1:9798/", "feeds": ["2023"], "everyMinutes": 30,
                                   "immediate": ["critical"], "baseline": false}}"""));

        assertThat(defaults).isEqualTo(new KilnConfig.Advisories("https://alas.aws.amazon.com", List.of("2023", "2"), 15,
                List.of("critical", "important"), true));
        assertThat(config.advisories()).isEqualTo(new KilnConfig.Advisories("http://127.0.0.1:9798", List.of("2023"), 30,
                List.of("critical"), false));
        assertThat(KilnConfigJson.read(KilnConfigJson.write(config))).isEqualTo(config);
        assertThatThrownBy(() -> KilnConfigJson.read(MINIMAL.replace("}]}", """
                }], "advisories": {"siteUrl": "http://alas.example.com", "feeds": ["2022"], "everyMinutes": 1,
                                   "immediate": ["urgent"], "baseline": "yes"}}""")))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).containsExactlyInAnyOrder(
                        "advisories.siteUrl: 'http://alas.example.com' is not an https URL (plain http only to this machine, for tests)",
                        "advisories.feeds[0]: '2022' is not one of Amazon Linux versions: \"2023\", \"2\" or \"1\"",
                        "advisories.everyMinutes: must be a whole number from 5 to 1440, got 1",
                        "advisories.immediate[0]: 'urgent' is not one of severities: critical, important, medium, low",
                        "advisories.baseline: must be true or false"));
    }

    @Test
    void shouldReadTheRotationSettingsWithSafeDefaults() {
        KilnConfig.Rotation defaults = KilnConfigJson.read(MINIMAL).rotation();
        KilnConfig config = KilnConfigJson.read(MINIMAL.replace("}]}", """
                }], "rotation": {"schedule": "cron(0 3 * * ? *)", "timeZone": "Asia/Tokyo", "maxConcurrency": 25,
                                 "maxAgeHours": 48, "minHealthyPercentage": 50, "maxHealthyPercentage": 150,
                                 "alarms": ["web-5xx"], "freezeWindows": [{"start": "2026-12-28T00:00:00+09:00",
                                 "end": "2027-01-04T00:00:00+09:00", "reason": "year-end freeze"}],
                                 "securityHonoursFreeze": false}}"""));

        assertThat(defaults).isEqualTo(new KilnConfig.Rotation("cron(0 3 * * ? *)", "UTC", true, 10, 20, 90, null, 300,
                true, List.of(), 60, 240, List.of(), true));
        KilnConfig.Rotation rotation = config.rotation();
        assertThat(rotation.timeZone()).isEqualTo("Asia/Tokyo");
        assertThat(rotation.maxHealthyPercentage()).isEqualTo(150);
        assertThat(rotation.securityHonoursFreeze()).isFalse();
        assertThat(rotation.frozenAt(Instant.parse("2026-12-27T15:00:00Z"))).map(KilnConfig.FreezeWindow::reason)
                .contains("year-end freeze");
        assertThat(rotation.frozenAt(Instant.parse("2026-12-27T14:59:59Z"))).isEmpty();
        assertThat(rotation.frozenAt(Instant.parse("2027-01-03T15:00:00Z"))).isEmpty();
        assertThat(KilnConfigJson.read(KilnConfigJson.write(config))).isEqualTo(config);
    }

    @Test
    void shouldRefuseARotationThatCouldNotBeScheduledOrRefreshed() {
        assertThatThrownBy(() -> KilnConfigJson.read(MINIMAL.replace("}]}", """
                }], "rotation": {"schedule": "0 3 * * *", "timeZone": "Tokyo/Japan", "minHealthyPercentage": 90,
                                 "maxHealthyPercentage": 210, "pollSeconds": 7200, "deadlineMinutes": 60,
                                 "freezeWindows": [{"start": "2027-01-04T00:00:00+09:00", "end": "2026-12-28T00:00:00+09:00",
                                 "reason": "backwards"}, {"start": "tomorrow", "end": "2027-01-04T00:00:00Z", "reason": "r"}],
                                 "autoRollback": "yes"}}""")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "rotation.timeZone: 'Tokyo/Japan' is not an IANA time zone such as Asia/Tokyo",
                        "rotation.maxHealthyPercentage: must be a whole number from 100 to 200, got 210",
                        "rotation.pollSeconds: must be a whole number from 1 to 3600, got 7200",
                        "rotation.freezeWindows[0]: ends (2026-12-28T00:00+09:00) before it starts (2027-01-04T00:00+09:00)",
                        "rotation.freezeWindows[1].start: must be a date and time with its offset, e.g. 2026-12-28T00:00:00+09:00, got \"tomorrow\"",
                        "rotation.schedule: '0 3 * * *' is not an EventBridge Scheduler expression such as cron(0 3 * * ? *) or rate(1 day)",
                        "rotation.autoRollback: must be true or false"));
        assertThatThrownBy(() -> KilnConfigJson.read(MINIMAL.replace("}]}", """
                }], "rotation": {"minHealthyPercentage": 0, "maxHealthyPercentage": 200}}""")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "rotation.maxHealthyPercentage: may be at most 100 above minHealthyPercentage (0), got 200"));
        assertThatThrownBy(() -> KilnConfigJson.read(MINIMAL.replace("}]}", """
                }], "rotation": {"deadlineMinutes": 2641}}""")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "rotation.deadlineMinutes: must be a whole number from 1 to 2640, got 2641"));
    }

    @Test
    void shouldFitOneGroupWithTheLongestDeadlineAndItsRetriesInTheTimeARotationMayRun() {
        for (int pollSeconds : new int[] {1, 7, 60, 3599, 3600}) {
            KilnConfig config = KilnConfigJson.read(MINIMAL.replace("}]}", """
                    }], "rotation": {"pollSeconds": %d, "deadlineMinutes": 2640}}""".formatted(pollSeconds)));

            assertThat(config.rotation().worstCase(1)).as("every %d s", pollSeconds).isLessThanOrEqualTo(KilnConfig.Rotation.MAX_DURATION);
            assertThat(config.rotation().watch().checks()).isLessThanOrEqualTo(KilnConfig.Rotation.WATCH_MAX_CHECKS);
        }
    }

    @Test
    void shouldSayHowLongRotatingManyGroupsAFewAtATimeMayTake() {
        KilnConfig config = KilnConfigJson.read(MINIMAL.replace("}]}", """
                }], "rotation": {"pollSeconds": 60, "deadlineMinutes": 240, "maxConcurrency": 10}}"""));

        // 4 h watched + 90 min of calls a group, 200 groups in 20 waves, and an hour for the rest
        assertThat(config.rotation().worstCase(200)).isEqualTo(Duration.ofMinutes(20 * 330 + 60));
    }

    @Test
    void shouldRefuseMoreRolesThanOneExecutionCanHandle() {
        StringBuilder roles = new StringBuilder();
        for (int i = 0; i <= KilnConfig.MAX_ROLES; i++) {
            roles.append(i == 0 ? "" : ",").append("""
                    {"name": "r%d", "parent": {"amazonLinux": "2", "architecture": "x86_64"}, "playbook": "p.yml", "tests": "t.sh", "watch": ["p.yml"]}"""
                    .formatted(i));
        }
        String config = MINIMAL.substring(0, MINIMAL.indexOf("\"roles\"")) + "\"roles\": [" + roles + "]}";

        assertThatThrownBy(() -> KilnConfigJson.read(config))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).singleElement().asString()
                        .startsWith("roles: at most 100 roles, got 101"));
    }

    @Test
    void shouldListARolesAncestorsParentFirst() {
        KilnConfig config = KilnConfigJson.read(MINIMAL.replace("}]}", """
                }, {"name": "web", "parent": {"role": "base"}, "playbook": "web.yml", "tests": "web.sh", "watch": ["web/**"]},
                   {"name": "api", "parent": {"role": "web"}, "playbook": "api.yml", "tests": "api.sh", "watch": ["api/**"]}]}"""));

        assertThat(config.ancestors("api")).containsExactly("web", "base");
        assertThat(config.ancestors("base")).isEmpty();
    }

    @Test
    void shouldReadHowARoleIsDeployedAndDrainedWithDefaults() {
        KilnConfig config = KilnConfigJson.read(MINIMAL.replace("\"watch\": [\"base.yml\", \"tests/**\"]", """
                "watch": ["base.yml"],
                "deploy": {"service": "nginx", "healthCheck": {"url": "http://127.0.0.1/healthz"}},
                "drain": {"flushCommand": "fluent-bit-flush"}"""));

        KilnConfig.Role role = config.role("base").orElseThrow();
        assertThat(role.deploy()).isEqualTo(new KilnConfig.Deploy("nginx",
                new KilnConfig.HealthCheck("http://127.0.0.1/healthz", 20, 3), 10));
        assertThat(role.drain()).isEqualTo(new KilnConfig.Drain(null, "fluent-bit-flush", 300));
        assertThat(KilnConfigJson.read(KilnConfigJson.write(config))).isEqualTo(config);

        KilnConfig.Role bare = KilnConfigJson.read(MINIMAL).role("base").orElseThrow();
        assertThat(bare.deploy()).isEqualTo(new KilnConfig.Deploy(null, null, 10));
        assertThat(bare.drain()).isEqualTo(new KilnConfig.Drain(null, null, 300));
    }

    @Test
    void shouldRefuseAHealthCheckOffTheInstanceAndAServiceThatIsNotAUnit() {
        String bad = MINIMAL.replace("\"watch\": [\"base.yml\", \"tests/**\"]", """
                "watch": ["base.yml"],
                "deploy": {"service": "nginx; reboot", "healthCheck": {"url": "http://example.com/healthz", "attempts": 0}},
                "drain": {"timeoutSeconds": 5}""");

        assertThatThrownBy(() -> KilnConfigJson.read(bad))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "roles[0] (base).deploy.service: 'nginx; reboot' is not a systemd unit name",
                        "roles[0] (base).deploy.healthCheck.url: 'http://example.com/healthz' is not an http URL on the instance itself (http://127.0.0.1 or http://localhost)",
                        "roles[0] (base).deploy.healthCheck.attempts: must be a whole number from 1 to 100, got 0",
                        "roles[0] (base).drain.timeoutSeconds: must be a whole number from 10 to 3600, got 5"));
    }
}
