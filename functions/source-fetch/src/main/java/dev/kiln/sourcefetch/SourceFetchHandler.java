package dev.kiln.sourcefetch;

import dev.kiln.common.AwsClients;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.config.SsmConfigSource;
import java.time.Clock;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The bake's SourceFetch step: {"sha", "bucket", "key"} in, the bundle's size and whether it was fetched out. */
public final class SourceFetchHandler extends JsonHandler<FetchRequest, FetchResult> {

    /** The most a tarball may be; the function's temporary storage is sized for it. */
    public static final long MAX_BUNDLE_BYTES = 900L * 1024 * 1024;

    public SourceFetchHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    SourceFetchHandler(SourceFetchService service) {
        super(payload -> FetchRequest.parse(payload),
                service::fetch);
    }

    private static SourceFetchService build(Config config) {
        return new SourceFetchService(
                SsmConfigSource.of(AwsClients.build(SsmClient.builder()), config.configParameter()),
                new S3Bundles(AwsClients.build(S3Client.builder())),
                new GitHubTarballs(GitHubTarballs.client(),
                        new SecretsManagerToken(AwsClients.build(SecretsManagerClient.builder()),
                                config.githubTokenSecretId(), Clock.systemUTC()),
                        MAX_BUNDLE_BYTES));
    }
}
