package dev.kiln.bakerecord;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What Kiln keeps about each image it baked; advisory targeting reads the packages. */
public record ImageRecord(
        String imageId,
        String role,
        String sha,
        String buildId,
        String parentImageId,
        String reason,
        List<String> advisories,
        Instant createdAt,
        Map<String, String> packages,
        Set<String> sources,
        String manifestUri) {
}
