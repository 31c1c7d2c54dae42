package dev.kiln.rotateplan;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link Ports.PlanStore} in the artifact bucket. */
final class S3PlanStore implements Ports.PlanStore {

    private final S3Client s3;

    S3PlanStore(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public void put(String bucket, String key, String json) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromString(json));
    }
}
