package dev.kiln.sourcefetch;

import java.nio.file.Path;
import java.util.OptionalLong;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link Ports.Bundles} in S3; a bundle is written only if none is there (If-None-Match: *). */
record S3Bundles(S3Client s3) implements Ports.Bundles {

    @Override
    public OptionalLong size(String bucket, String key) {
        try {
            return OptionalLong.of(s3.headObject(r -> r.bucket(bucket).key(key)).contentLength());
        } catch (NoSuchKeyException e) {
            return OptionalLong.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }

    @Override
    public boolean put(String bucket, String key, Path file) {
        try {
            s3.putObject(r -> r.bucket(bucket).key(key).ifNoneMatch("*").contentType("application/gzip"),
                    RequestBody.fromFile(file));
            return true;
        } catch (S3Exception e) {
            // 412: a bundle is there already; 409: another writer is putting it right now
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            throw e;
        }
    }
}
