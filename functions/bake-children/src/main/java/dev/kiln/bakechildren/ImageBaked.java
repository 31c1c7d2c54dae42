package dev.kiln.bakechildren;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bakechildren.errors.MalformedEventException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The parts of a kiln.bake "Image Baked" event that re-baking children needs: which image, of which
 * commit, pushed when (absent in events from before Kiln sent it), and why it was baked.
 */
public record ImageBaked(String role, String imageId, String sha, Optional<Instant> pushedAt, String reason,
                         boolean published) {

    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8,17}");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    /** Reads the event; anything else is refused with the reason. */
    public static ImageBaked parse(byte[] event) {
        return parse(RebuildRequested.read(event));
    }

    /** Reads the event; anything else is refused with the reason. */
    public static ImageBaked parse(JsonNode root) {
        if (root == null || !"Image Baked".equals(root.path("detail-type").asText()) || !"kiln.bake".equals(root.path("source").asText())) {
            throw new MalformedEventException("not a kiln.bake Image Baked event");
        }
        JsonNode detail = root.path("detail");
        return new ImageBaked(
                field(detail, "role", ROLE),
                field(detail, "imageId", AMI),
                field(detail, "sha", SHA),
                pushedAt(detail.path("pushedAt")),
                detail.path("reason").asText(""),
                detail.path("published").asBoolean(false));
    }

    private static Optional<Instant> pushedAt(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value.asText()));
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("detail.pushedAt is not a time: '" + value.asText() + "'");
        }
    }

    private static String field(JsonNode detail, String name, Pattern pattern) {
        String value = detail.path(name).asText("");
        if (!pattern.matcher(value).matches()) {
            throw new MalformedEventException("detail." + name + " is missing or not valid: '" + value + "'");
        }
        return value;
    }
}
