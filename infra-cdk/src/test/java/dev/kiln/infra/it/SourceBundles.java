package dev.kiln.infra.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Source bundles as GitHub's tarball API makes them (one top-level folder holding the repository),
 * made from examples/fleet and, for bakes that should not fetch them, put where bake keeps them:
 * bundles/&lt;sha&gt;.tar.gz in the artifact bucket.
 */
final class SourceBundles {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SourceBundles() {
    }

    /** A commit id no other test uses, so that the bake ledger sees a new bake each run. */
    static String newSha() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The commit's tarball as GitHub makes it: examples/fleet in one folder named after the repository and commit. */
    static Path tarball(Path fleet, String sha) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("bundle");
        Path top = work.resolve("example-org-fleet-" + sha.substring(0, 7));
        Process copy = new ProcessBuilder("cp", "-r", fleet.toString(), top.toString()).inheritIO().start();
        if (copy.waitFor() != 0) {
            throw new IOException("cannot copy " + fleet);
        }
        Path tarball = work.resolve("bundle.tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", tarball.toString(), "-C", work.toString(), top.getFileName().toString())
                .inheritIO().start();
        if (tar.waitFor() != 0) {
            throw new IOException("cannot pack " + top);
        }
        return tarball;
    }

    static void upload(Path fleet, String sha) throws IOException, InterruptedException {
        Path tarball = tarball(fleet, sha);
        try (S3Client s3 = LocalCloud.client(S3Client.builder().forcePathStyle(true))) {
            s3.putObject(r -> r.bucket(LocalCloud.stackOutput("ArtifactBucketName")).key(bundleKey(sha)),
                    RequestBody.fromFile(tarball));
        }
    }

    static String bundleKey(String sha) {
        return "bundles/" + sha + ".tar.gz";
    }
}
