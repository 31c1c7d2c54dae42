package dev.kiln.rotatereport;

import dev.kiln.rotatereport.errors.PlanNotFoundException;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** {@link Ports.PlannedGroups} in the artifact bucket. */
record S3PlannedGroups(S3Client s3) implements Ports.PlannedGroups {

    @Override
    public String read(String bucket, String key) {
        try {
            return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
        } catch (NoSuchKeyException e) {
            throw new PlanNotFoundException("s3://" + bucket + "/" + key + " does not exist: rotate-plan wrote no plan there", e);
        }
    }
}
