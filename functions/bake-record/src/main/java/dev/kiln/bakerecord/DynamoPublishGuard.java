package dev.kiln.bakerecord;

import dev.kiln.common.bake.CurrentImages;
import java.util.Optional;

/** {@link Ports.PublishGuard} and {@link Ports.CurrentImages} on the item {@code current#<role>}, which {@link CurrentImages} owns. */
record DynamoPublishGuard(CurrentImages images) implements Ports.PublishGuard, Ports.CurrentImages {

    @Override
    public Optional<String> imageOf(String role) {
        return images.of(role).map(CurrentImages.Current::imageId);
    }

    @Override
    public Optional<Ports.Published> admit(String role, Ports.Published candidate) {
        return images.admit(role, new CurrentImages.Current(candidate.imageId(), candidate.sha(), candidate.pushedAt()))
                .map(current -> new Ports.Published(current.imageId(), current.sha(), current.pushedAt()));
    }
}
