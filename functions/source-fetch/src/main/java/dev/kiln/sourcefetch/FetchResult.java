package dev.kiln.sourcefetch;

/** The bundle bake goes on with; {@code fetched} is false when it was there already. */
public record FetchResult(String bucket, String key, long bytes, boolean fetched) {
}
