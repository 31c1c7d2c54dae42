package dev.kiln.githubwebhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The detail of kiln.github "Push Received": what was pushed and which roles to bake ({@code roles}),
 * of which {@code startNow} start at once and the rest when their parent's new image is published.
 * The list of changed paths is cut at {@link #PATH_LIMIT} to keep the event small.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PushReceived(
        String repository,
        String ref,
        String before,
        String after,
        List<String> roles,
        List<String> startNow,
        List<String> changedPaths,
        boolean changedPathsTruncated,
        String failSafe,
        String deliveryId,
        String pushedAt) {

    static final int PATH_LIMIT = 500;

    public PushReceived {
        roles = List.copyOf(roles);
        startNow = List.copyOf(startNow);
        changedPaths = List.copyOf(changedPaths);
    }
}
