package dev.kiln.distributeregion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.distributeregion.Ports.Image;
import dev.kiln.distributeregion.RegionRequest.Action;
import dev.kiln.distributeregion.RegionRequest.Copied;
import dev.kiln.distributeregion.RegionRequest.Copy;
import dev.kiln.distributeregion.RegionRequest.MemberRole;
import dev.kiln.distributeregion.RegionRequest.Target;
import dev.kiln.distributeregion.errors.MemberUnreachableException;
import dev.kiln.distributeregion.errors.CopyFailedException;
import dev.kiln.distributeregion.errors.ImageNotFoundException;
import dev.kiln.distributeregion.errors.KeyNotFoundException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DistributeRegionServiceTest {

    private static final String HUB = "ap-northeast-1";
    private static final String OSAKA = "ap-northeast-3";
    private static final String AMI = "ami-0a1b2c3d4e5f60718";
    private static final String KEY = "arn:aws:kms:ap-northeast-3:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String MEMBER = "222222222222";
    private static final String UNIT = "arn:aws:organizations::111111111111:ou/o-exampleorgid/ou-examplerootid111-exampleouid111";

    private final Fakes.Images images = new Fakes.Images().image(HUB, new Image(AMI, "kiln-web-0d1a26e-20261122t085650",
            "Kiln web", "available", null, Map.of("kiln:role", "web", "kiln:sha", "0d1a26e", "kiln:build-id", "web-0d1a26e"),
            List.of("snap-0a1b2c3d4e5f60718")));
    private final Fakes.Keys keys = new Fakes.Keys().alias(OSAKA, "alias/kiln-images", KEY);
    private final Fakes.Pointers pointers = new Fakes.Pointers();
    private final Map<String, String> current = new HashMap<>(Map.of("web", AMI));
    private final DistributeRegionService service = new DistributeRegionService(images, keys, pointers,
            role -> Optional.ofNullable(current.get(role)));

    private RegionAnswer copy(int attempt) {
        return copy(attempt, "alias/kiln-images", null);
    }

    private RegionAnswer copy(int attempt, String alias, Copied before) {
        return service.handle(new RegionRequest(Action.COPY, "web", AMI, HUB, new Copy(OSAKA, alias, List.of()), attempt, before, null));
    }

    private RegionAnswer check(String copyId) {
        return service.handle(new RegionRequest(Action.CHECK, "web", AMI, HUB, new Copy(OSAKA, null, List.of()), 1,
                new Copied(copyId, KEY), null));
    }

    private RegionAnswer finish(String copyId, List<String> sharedWith) {
        return service.handle(new RegionRequest(Action.FINISH, "web", AMI, HUB, new Copy(OSAKA, "alias/kiln-images", sharedWith),
                1, new Copied(copyId, KEY), null));
    }

    private RegionAnswer point(String copyId, Target target) {
        return service.handle(new RegionRequest(Action.POINT, "web", AMI, HUB, new Copy(OSAKA, "alias/kiln-images", List.of(MEMBER)),
                1, new Copied(copyId, KEY), target));
    }

    @Test
    void shouldCopyTheImageIntoTheRegionEncryptedWithTheKeyItsAliasNamesThere() {
        RegionAnswer copied = copy(1);

        assertThat(copied.kmsKeyArn()).isEqualTo(KEY);
        assertThat(images.copies).singleElement().satisfies(request -> {
            assertThat(request.sourceRegion()).isEqualTo(HUB);
            assertThat(request.sourceImageId()).isEqualTo(AMI);
            assertThat(request.name()).isEqualTo("kiln-web-0d1a26e-20261122t085650");
            assertThat(request.kmsKeyArn()).isEqualTo(KEY);
            assertThat(request.clientToken()).startsWith("kiln-").hasSizeLessThanOrEqualTo(64);
            assertThat(request.tags()).isEqualTo(Map.of("kiln:source-image", AMI, "kiln:source-region", HUB, "kiln:role", "web"));
        });
        assertThat(images.describe(OSAKA, copied.copyImageId())).get().extracting(Image::state).isEqualTo("pending");
    }

    @Test
    void shouldGiveTheSameCopyWhenAStepIsRepeatedAndANewOneInPlaceOfAFailedOne() {
        RegionAnswer first = copy(1);

        assertThat(copy(1).copyImageId()).isEqualTo(first.copyImageId());
        assertThat(images.deregistered).isEmpty();
        RegionAnswer second = copy(2, "alias/kiln-images", new Copied(first.copyImageId(), KEY));

        assertThat(second.copyImageId()).isNotEqualTo(first.copyImageId());
        assertThat(images.copies).hasSize(2);
        assertThat(images.deregistered).containsExactly(OSAKA + "/" + first.copyImageId());
    }

    @Test
    void shouldCopyWithTheAccountsDefaultKeyWhenTheRegionHasNone() {
        RegionAnswer copied = copy(1, null, null);

        assertThat(copied.kmsKeyArn()).isNull();
        assertThat(images.copies).singleElement().extracting(Ports.CopyRequest::kmsKeyArn).isNull();
    }

    @Test
    void shouldCopyNothingWhenTheKeyOrTheImageIsMissing() {
        assertThatThrownBy(() -> copy(1, "alias/other", null))
                .isInstanceOf(KeyNotFoundException.class).hasMessageContaining("alias/other");
        assertThatThrownBy(() -> service.handle(new RegionRequest(Action.COPY, "web", "ami-0f0f0f0f0f0f0f0f0", HUB,
                new Copy(OSAKA, null, List.of()), 1, null, null)))
                .isInstanceOf(ImageNotFoundException.class)
                .hasMessage("ami-0f0f0f0f0f0f0f0f0 is not in ap-northeast-1 (deregistered since it was published?): there is"
                        + " nothing to copy to ap-northeast-3");
        assertThat(images.copies).isEmpty();
    }

    @Test
    void shouldSayWhetherTheCopyIsAvailableAndFailWhenEc2GaveUpOnIt() {
        String copyId = copy(1).copyImageId();

        assertThat(check(copyId).state()).isEqualTo("pending");
        images.state(OSAKA, copyId, "available", null);
        assertThat(check(copyId).state()).isEqualTo("available");
        images.state(OSAKA, copyId, "failed", "Client.InvalidKMSKey.InvalidState: the key is disabled");
        assertThatThrownBy(() -> check(copyId))
                .isInstanceOf(CopyFailedException.class)
                .hasMessage("the copy " + copyId + " in ap-northeast-3 is failed: Client.InvalidKMSKey.InvalidState: the key is"
                        + " disabled (attempt 1)");
        assertThatThrownBy(() -> check("ami-0f0f0f0f0f0f0f0f0"))
                .isInstanceOf(CopyFailedException.class).hasMessageContaining("is gone");
    }

    @Test
    void shouldTagTheCopyAndItsSnapshotsLikeTheSourceAndSayWhereItCameFrom() {
        String copyId = copy(1).copyImageId();
        images.state(OSAKA, copyId, "available", null);
        String snapshot = images.describe(OSAKA, copyId).orElseThrow().snapshotIds().get(0);

        finish(copyId, List.of());

        Map<String, String> expected = Map.of("kiln:role", "web", "kiln:sha", "0d1a26e",
                "kiln:source-image", AMI, "kiln:source-region", HUB);
        assertThat(images.tags.get(OSAKA + "/" + copyId)).isEqualTo(expected);
        assertThat(images.tags.get(OSAKA + "/" + snapshot)).isEqualTo(expected);
    }

    @Test
    void shouldShareTheCopyItsSnapshotsAndItsKeyWithTheTargetAccountsAndTheImageWithUnits() {
        String copyId = copy(1).copyImageId();
        images.state(OSAKA, copyId, "available", null);
        String snapshot = images.describe(OSAKA, copyId).orElseThrow().snapshotIds().get(0);

        RegionAnswer finished = finish(copyId, List.of(MEMBER, UNIT));
        finish(copyId, List.of(MEMBER, UNIT));

        assertThat(images.launchPermissions.get(OSAKA + "/" + copyId)).containsExactly(MEMBER, UNIT);
        assertThat(images.volumePermissions.get(OSAKA + "/" + snapshot)).containsExactly(MEMBER);
        assertThat(keys.grants).containsExactly(Map.entry("kiln-" + copyId + "-" + MEMBER, KEY + " " + MEMBER));
        assertThat(finished.grants()).containsExactly(MEMBER);
        assertThat(finished.sharedWith()).containsExactly(MEMBER, UNIT);
    }

    @Test
    void shouldPointTheHubsPointerAtTheCopyOnlyWhileTheImageIsTheRolesCurrentOne() {
        String copyId = copy(1).copyImageId();
        Target hub = new Target("111111111111", "/kiln/images/web", null);

        assertThat(point(copyId, hub).pointer()).isEqualTo("/kiln/images/web");
        assertThat(pointers.values).containsExactly(Map.entry(OSAKA + "/kiln/images/web", copyId));

        pointers.values.clear();
        current.put("web", "ami-0b0b0b0b0b0b0b0b0");
        RegionAnswer stale = point(copyId, hub);

        assertThat(stale.pointer()).isNull();
        assertThat(stale.pointerSkipped()).isEqualTo("ami-0b0b0b0b0b0b0b0b0 is web's current image now: its own distribution"
                + " points /kiln/images/web in ap-northeast-3");
        assertThat(pointers.values).isEmpty();
    }

    @Test
    void shouldPointAMembersPointerThroughTheRoleItsMemberStackMadeForTheHub() {
        String copyId = copy(1).copyImageId();
        MemberRole role = new MemberRole("arn:aws:iam::" + MEMBER + ":role/kiln-hub-ap-northeast-3", "kiln-kiln-111111111111");

        RegionAnswer pointed = point(copyId, new Target(MEMBER, "/kiln/images/web", role));

        assertThat(pointed.target()).isEqualTo(MEMBER);
        assertThat(pointed.pointer()).isEqualTo("/kiln/images/web");
        assertThat(pointers.values).containsExactly(Map.entry(role.roleArn() + " " + OSAKA + "/kiln/images/web", copyId));
    }

    @Test
    void shouldFailAMemberWhoseRoleTheHubCannotAssumeAndWriteNothing() {
        String copyId = copy(1).copyImageId();
        MemberRole role = new MemberRole("arn:aws:iam::" + MEMBER + ":role/kiln-hub-ap-northeast-3", "kiln-kiln-111111111111");
        pointers.unreachable.add(role.roleArn());

        assertThatThrownBy(() -> point(copyId, new Target(MEMBER, "/kiln/images/web", role)))
                .isInstanceOf(MemberUnreachableException.class).hasMessageContaining(role.roleArn());
        assertThat(pointers.values).isEmpty();
    }

    @Test
    void shouldWriteNoPointerForAnOrganizationalUnitAndSayWhy() {
        String copyId = copy(1).copyImageId();

        RegionAnswer pointed = point(copyId, new Target(UNIT, null, null));

        assertThat(pointed.pointer()).isNull();
        assertThat(pointed.pointerSkipped()).startsWith("an organizational unit: Kiln writes no pointer in its accounts");
        assertThat(pointers.values).isEmpty();
    }
}
