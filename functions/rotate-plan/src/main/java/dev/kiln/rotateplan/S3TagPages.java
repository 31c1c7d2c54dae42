package dev.kiln.rotateplan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@link Ports.TagPages} in the artifact bucket: every object under the prefix, however many listings that takes. */
record S3TagPages(S3Client s3) implements Ports.TagPages {

    @Override
    public List<Ports.Page> read(String bucket, String prefix) {
        List<Ports.Page> pages = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
            if (token != null) {
                request.continuationToken(token);
            }
            ListObjectsV2Response listing = s3.listObjectsV2(request.build());
            for (S3Object object : listing.contents()) {
                pages.add(new Ports.Page(object.key(),
                        s3.getObjectAsBytes(r -> r.bucket(bucket).key(object.key())).asString(StandardCharsets.UTF_8)));
            }
            token = Boolean.TRUE.equals(listing.isTruncated()) ? listing.nextContinuationToken() : null;
        } while (token != null);
        return pages;
    }
}
