package dev.kiln.imageretention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ImageRetentionServiceTest {

    /** Without distribution targets, no other region is looked at. */
    private static final java.util.function.Function<String, Images> NO_TARGETS = region -> {
        throw new AssertionError("looked at " + region);
    };
    private static final ImageRetentionService.Members NO_MEMBERS = (account, region) -> {
        throw new AssertionError("asked member " + account + " in " + region);
    };
    private static final String MEMBER = "222222222222";

    private final List<String> removed = new ArrayList<>();
    private final List<String> notices = new ArrayList<>();

    private final Images images = new Images() {
        @Override
        public List<RetentionPlan.Image> ofRole(String role) {
            return "web".equals(role) ? IntStream.range(0, 7).mapToObj(i -> new RetentionPlan.Image("ami-0" + i, "web",
                    Instant.parse("2026-11-01T03:00:00Z").plusSeconds(3600L * i), List.of())).toList() : List.of();
        }

        @Override
        public Map<String, String> inUse() {
            return Map.of("ami-00", "launch template web-asg version 2");
        }

        @Override
        public Sharing sharing(String imageId) {
            return shared.containsKey(imageId) ? new Sharing(List.of(shared.get(imageId)), List.of()) : Sharing.NONE;
        }

        @Override
        public List<RetentionPlan.Image> copiesOf(String imageId) {
            return List.of();
        }

        @Override
        public void remove(RetentionPlan.Image image) {
            removed.add(image.imageId());
        }
    };

    /** Another region of the account: distribute's copies there, what uses them, whom they are shared with. */
    private final class Region implements Images {

        final String name;
        final Map<String, RetentionPlan.Image> copies = new java.util.HashMap<>();
        final Map<String, String> used = new java.util.HashMap<>();
        final Map<String, Sharing> sharedWith = new java.util.HashMap<>();

        Region(String name) {
            this.name = name;
        }

        Region copy(String source, String copy) {
            copies.put(source, new RetentionPlan.Image(copy, "web", Instant.parse("2026-11-02T03:00:00Z"), List.of("snap-" + copy)));
            return this;
        }

        @Override
        public List<RetentionPlan.Image> ofRole(String role) {
            throw new AssertionError("retention looks at the hub's images only by role");
        }

        @Override
        public Map<String, String> inUse() {
            return used;
        }

        @Override
        public Sharing sharing(String imageId) {
            return sharedWith.getOrDefault(imageId, Sharing.NONE);
        }

        @Override
        public List<RetentionPlan.Image> copiesOf(String imageId) {
            return copies.containsKey(imageId) ? List.of(copies.get(imageId)) : List.of();
        }

        @Override
        public void remove(RetentionPlan.Image image) {
            removed.add(name + " " + image.imageId());
        }
    }

    private final Region oregon = new Region("us-west-2").copy("ami-01", "ami-0c1");
    private final Region ireland = new Region("eu-west-1").copy("ami-01", "ami-0c2");
    /** What member 222222222222 uses in eu-west-1 (its member stack answers), or null: it cannot be asked */
    private Map<String, String> memberUses = new java.util.HashMap<>();

    private ImageRetentionService distributing(KilnConfig config) {
        KilnConfig withTargets = KilnConfigJson.read(KilnConfigJson.write(config).replaceFirst("\\}$", """
                , "distribution": {"targets": [{"regions": ["us-west-2"], "roles": ["web"]}, {"regions": ["eu-west-1"]},
                                               {"regions": ["eu-west-1"], "accounts": ["222222222222"]}],
                                   "kmsKeys": {"eu-west-1": "alias/kiln-images"}}}"""));
        Map<String, Images> regions = Map.of("us-west-2", oregon, "eu-west-1", ireland);
        ImageRetentionService.Members members = (account, region) -> {
            assertThat(account + " " + region).isEqualTo(MEMBER + " eu-west-1");
            if (memberUses == null) {
                throw new IllegalStateException("not authorized to perform: sts:AssumeRole");
            }
            Region member = new Region(region);
            member.used.putAll(memberUses);
            return member;
        };
        return new ImageRetentionService(() -> withTargets, images, regions::get, members, (s, m) -> notices.add(s + "\n" + m));
    }
    private final Map<String, String> shared = new java.util.HashMap<>();

    private static KilnConfig config(boolean dryRun) throws Exception {
        String example = Files.readString(Path.of(System.getProperty("kiln.root"), "examples", "kiln.json"));
        return KilnConfigJson.read(example.replace("\"dryRun\": false", "\"dryRun\": " + dryRun));
    }

    @Test
    void shouldRemoveOldUnusedImagesOfEveryRoleAndSaySo() throws Exception {
        KilnConfig config = config(false);
        ImageRetentionService service = new ImageRetentionService(() -> config, images, NO_TARGETS, NO_MEMBERS, (s, m) -> notices.add(s + "\n" + m));

        ImageRetentionService.Report report = service.run(new ImageRetentionService.Request(Optional.empty(), true));

        assertThat(removed).containsExactly("ami-01");
        assertThat(report.dryRun()).isFalse();
        assertThat(notices).singleElement().asString()
                .startsWith("Kiln retention removed 1 image\n")
                .contains("ami-01 (web): older than the 5 newest images of web and not in use")
                .contains("ami-00: still used by launch template web-asg version 2");
    }

    @Test
    void shouldRemoveAnOldImageWithItsCopiesInItsTargetRegions() throws Exception {
        ImageRetentionService.Report report = distributing(config(false)).run(new ImageRetentionService.Request(Optional.empty(), true));

        assertThat(removed).containsExactly("eu-west-1 ami-0c2", "us-west-2 ami-0c1", "ami-01");
        assertThat(report.removed()).singleElement().extracting(RetentionPlan.Decision::reason)
                .isEqualTo("older than the 5 newest images of web and not in use; its copies in eu-west-1, us-west-2 go with it");
    }

    @Test
    void shouldKeepAnOldImageAndItsCopiesWhileACopyIsUsedOrSharedInItsRegion() throws Exception {
        ireland.used.put("ami-0c2", "launch template web-eu version 4");
        ImageRetentionService.Report used = distributing(config(false)).run(new ImageRetentionService.Request(Optional.empty(), true));

        assertThat(removed).isEmpty();
        assertThat(used.decisions()).filteredOn(d -> d.imageId().equals("ami-01")).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(RetentionPlan.Action.KEEP_IN_USE);
            assertThat(d.reason()).isEqualTo("its copy ami-0c2 in eu-west-1 is still used by launch template web-eu version 4");
        });

        ireland.used.clear();
        oregon.sharedWith.put("ami-0c1", new Images.Sharing(List.of("111122223333"), List.of()));
        ImageRetentionService.Report shared = distributing(config(false)).run(new ImageRetentionService.Request(Optional.empty(), true));

        assertThat(removed).isEmpty();
        assertThat(shared.decisions()).filteredOn(d -> d.imageId().equals("ami-01")).singleElement()
                .extracting(RetentionPlan.Decision::reason).isEqualTo("its copy ami-0c1 in us-west-2 is still shared with account 111122223333");
    }

    @Test
    void shouldAskAMemberAccountACopyIsSharedWithWhetherItUsesItAndKeepItWhileItDoes() throws Exception {
        ireland.sharedWith.put("ami-0c2", new Images.Sharing(List.of(MEMBER), List.of()));
        memberUses.put("ami-0c2", "the image pointer /kiln/images/web");

        ImageRetentionService.Report used = distributing(config(false)).run(new ImageRetentionService.Request(Optional.empty(), true));

        assertThat(removed).isEmpty();
        assertThat(used.decisions()).filteredOn(d -> d.imageId().equals("ami-01")).singleElement().extracting(RetentionPlan.Decision::reason)
                .isEqualTo("its copy ami-0c2 in eu-west-1 is still used by the image pointer /kiln/images/web in account " + MEMBER);

        memberUses.clear();
        ImageRetentionService.Report unused = distributing(config(false)).run(new ImageRetentionService.Request(Optional.empty(), true));

        assertThat(unused.removed()).extracting(RetentionPlan.Decision::imageId).containsExactly("ami-01");
        assertThat(removed).containsExactly("eu-west-1 ami-0c2", "us-west-2 ami-0c1", "ami-01");
    }

    @Test
    void shouldKeepACopySharedWithAMemberThatCannotBeAskedOrWithAnAccountKilnDoesNotList() throws Exception {
        ireland.sharedWith.put("ami-0c2", new Images.Sharing(List.of(MEMBER), List.of()));
        memberUses = null;

        ImageRetentionService.Report unasked = distributing(config(false)).run(new ImageRetentionService.Request(Optional.empty(), true));

        assertThat(unasked.decisions()).filteredOn(d -> d.imageId().equals("ami-01")).singleElement().extracting(RetentionPlan.Decision::reason)
                .isEqualTo("its copy ami-0c2 in eu-west-1 is still shared with account " + MEMBER + ", whose member stack could not be"
                        + " asked (not authorized to perform: sts:AssumeRole)");

        ireland.sharedWith.put("ami-0c2", new Images.Sharing(List.of(MEMBER), List.of("organizational unit arn:aws:organizations::1:ou/o-1/ou-1")));
        memberUses = new java.util.HashMap<>();
        ImageRetentionService.Report unit = distributing(config(false)).run(new ImageRetentionService.Request(Optional.empty(), true));

        assertThat(unit.decisions()).filteredOn(d -> d.imageId().equals("ami-01")).singleElement().extracting(RetentionPlan.Decision::reason)
                .isEqualTo("its copy ami-0c2 in eu-west-1 is still shared with account " + MEMBER
                        + ", organizational unit arn:aws:organizations::1:ou/o-1/ou-1");
        assertThat(removed).isEmpty();
    }

    @Test
    void shouldKeepAnOldImageThatIsSharedWithAnotherAccount() throws Exception {
        KilnConfig config = config(false);
        shared.put("ami-01", "111122223333");
        ImageRetentionService service = new ImageRetentionService(() -> config, images, NO_TARGETS, NO_MEMBERS, (s, m) -> notices.add(s));

        ImageRetentionService.Report report = service.run(new ImageRetentionService.Request(Optional.empty(), true));

        assertThat(removed).isEmpty();
        assertThat(report.decisions()).filteredOn(d -> d.imageId().equals("ami-01")).singleElement()
                .satisfies(d -> {
                    assertThat(d.action()).isEqualTo(RetentionPlan.Action.KEEP_IN_USE);
                    assertThat(d.reason()).isEqualTo("still shared with account 111122223333");
                });
        assertThat(notices).isEmpty();
    }

    @Test
    void shouldRemoveNothingInADryRunButSayWhatItWould() throws Exception {
        KilnConfig config = config(false);
        ImageRetentionService service = new ImageRetentionService(() -> config, images, NO_TARGETS, NO_MEMBERS, (s, m) -> notices.add(s));

        ImageRetentionService.Report report = service.run(new ImageRetentionService.Request(Optional.of(true), true));

        assertThat(removed).isEmpty();
        assertThat(report.removed()).extracting(RetentionPlan.Decision::imageId).containsExactly("ami-01");
        assertThat(notices).containsExactly("Kiln retention would remove 1 image");
    }

    @Test
    void shouldFollowTheConfiguredDryRunWhenTheRunDoesNotSay() throws Exception {
        KilnConfig config = config(true);

        new ImageRetentionService(() -> config, images, NO_TARGETS, NO_MEMBERS, (s, m) -> { }).run(new ImageRetentionService.Request(Optional.empty(), true));

        assertThat(removed).isEmpty();
    }

    @Test
    void shouldMailNothingWhenAskedNotToButStillSayWhatUsesEachImage() throws Exception {
        KilnConfig config = config(false);
        ImageRetentionService service = new ImageRetentionService(() -> config, images, NO_TARGETS, NO_MEMBERS, (s, m) -> notices.add(s));

        ImageRetentionService.Report report = service.run(new ImageRetentionService.Request(Optional.of(true), false));

        assertThat(removed).isEmpty();
        assertThat(notices).isEmpty();
        assertThat(report.removed()).extracting(RetentionPlan.Decision::imageId).containsExactly("ami-01");
        assertThat(report.decisions()).filteredOn(d -> d.imageId().equals("ami-00")).singleElement()
                .extracting(RetentionPlan.Decision::usedBy).isEqualTo("launch template web-asg version 2");
    }
}
