package dev.kiln.sourcefetch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Environment;
import dev.kiln.common.Json;
import dev.kiln.common.config.SsmConfigSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/** The bake's SourceFetch step: {"sha", "bucket", "key"} in, the bundle's size and whether it was fetched out. */
public final class SourceFetchHandler implements RequestStreamHandler {

    /** The most a tarball may be; the function's temporary storage is sized for it. */
    public static final long MAX_BUNDLE_BYTES = 900L * 1024 * 1024;

    private final SourceFetchService service;

    public SourceFetchHandler() {
        this(new Environment(System.getenv()));
    }

    private SourceFetchHandler(Environment env) {
        this(new SourceFetchService(
                new SsmConfigSource(AwsClients.build(SsmClient.builder()), env.require("CONFIG_PARAMETER"),
                        Duration.ofMinutes(1), Clock.systemUTC()),
                new S3Bundles(AwsClients.build(S3Client.builder())),
                new GitHubTarballs(GitHubTarballs.client(),
                        new SecretsManagerToken(AwsClients.build(SecretsManagerClient.builder()),
                                env.require("GITHUB_TOKEN_SECRET_ID"), Clock.systemUTC()),
                        MAX_BUNDLE_BYTES)));
    }

    SourceFetchHandler(SourceFetchService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] request = input.readAllBytes();
        FetchResult result = PowertoolsLogging.withLogging(context, () -> service.fetch(FetchRequest.parse(request)));
        Json.MAPPER.writeValue(output, result);
    }
}
