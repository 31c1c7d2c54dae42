package dev.kiln.bakerecord;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** {@link Ports.Artifacts} in the artifact bucket. */
record S3Artifacts(S3Client s3) implements Ports.Artifacts {

    @Override
    public Optional<String> commandStdout(String bucket, String prefix, String commandId, String instanceId) {
        // where Run Command puts an AWS-RunShellScript's output under OutputS3KeyPrefix
        String key = prefix + "/" + commandId + "/" + instanceId + "/awsrunShellScript/0.awsrunShellScript/stdout";
        try {
            return Optional.of(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public String putManifest(String bucket, String role, String imageId, String json) {
        String key = "manifests/" + role + "/" + imageId + ".json";
        s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromString(json));
        return "s3://" + bucket + "/" + key;
    }
}
