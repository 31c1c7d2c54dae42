package dev.kiln.distributeplan;

import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.distribution.DistributionPlan;
import dev.kiln.common.distribution.MemberAccess;
import dev.kiln.distributeplan.DistributionOrder.MemberRole;
import dev.kiln.distributeplan.DistributionOrder.RegionCopy;
import dev.kiln.distributeplan.DistributionOrder.Target;
import dev.kiln.distributeplan.errors.InvalidDistributionRequestException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Plans one image's distribution (docs/distribution.md): the configuration's targets for its role, one copy per
 * region. An image that is no longer the role's current one is not distributed: the newer one's own distribution
 * goes to the same targets.
 */
final class DistributePlanService {

    private final ConfigSource config;
    private final Function<String, Optional<String>> currentImage;
    private final String deployment;
    private final String pointerPrefix;

    /** @param deployment the deployment's name ({@code kiln}): its pointers are {@code /<name>/images/<role>} everywhere */
    DistributePlanService(ConfigSource config, Function<String, Optional<String>> currentImage, String deployment) {
        this.config = config;
        this.currentImage = currentImage;
        this.deployment = deployment;
        this.pointerPrefix = "/" + deployment + "/images/";
    }

    DistributionOrder plan(PlanRequest request) {
        KilnConfig kiln = config.current();
        if (kiln.role(request.role()).isEmpty()) {
            throw new InvalidDistributionRequestException("role: '" + request.role() + "' is not a role of this deployment ("
                    + String.join(", ", kiln.roles().stream().map(KilnConfig.Role::name).toList()) + ")");
        }
        Optional<String> current = currentImage.apply(request.role());
        String imageId = request.imageId() != null ? request.imageId() : current.orElseThrow(() ->
                new InvalidDistributionRequestException(request.role() + " has no published image to distribute yet"));
        DistributionPlan plan = DistributionPlan.of(kiln.distribution(), request.role(), request.hubAccount(), request.hubRegion());
        if (plan.copies().isEmpty()) {
            return skipped(request, imageId, "no distribution target takes " + request.role() + "'s images");
        }
        if (current.isPresent() && !current.get().equals(imageId)) {
            return skipped(request, imageId, imageId + " is no longer " + request.role() + "'s current image (" + current.get()
                    + " is): that one is distributed instead");
        }
        List<RegionCopy> copies = plan.copies().stream().map(copy -> new RegionCopy(copy.region(), copy.kmsKeyAlias().orElse(null),
                copy.sharedWith(), plan.targets().stream().filter(target -> target.region().equals(copy.region()))
                        .map(target -> target(request, target)).toList()))
                .toList();
        return new DistributionOrder(request.role(), imageId, request.hubRegion(), copies, plan.targets().size(), null);
    }

    /** The hub's own account and each member account have the role's pointer there; a member's is written through its role. */
    private Target target(PlanRequest request, DistributionPlan.Target target) {
        if (target.organizationalUnit()) {
            return new Target(target.principal(), null, null);
        }
        String pointer = pointerPrefix + request.role();
        if (target.principal().equals(request.hubAccount())) {
            return new Target(target.principal(), pointer, null);
        }
        return new Target(target.principal(), pointer, new MemberRole(
                MemberAccess.roleArn(request.partition(), target.principal(), deployment, target.region()),
                MemberAccess.externalId(deployment, request.hubAccount())));
    }

    private static DistributionOrder skipped(PlanRequest request, String imageId, String why) {
        return new DistributionOrder(request.role(), imageId, request.hubRegion(), List.of(), 0, why);
    }
}
