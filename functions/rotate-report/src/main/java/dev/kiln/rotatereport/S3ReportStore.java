package dev.kiln.rotatereport;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link Ports.ReportStore} in the artifact bucket. */
final class S3ReportStore implements Ports.ReportStore {

    private final S3Client s3;

    S3ReportStore(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public void put(String bucket, String key, String json) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromString(json));
    }
}
