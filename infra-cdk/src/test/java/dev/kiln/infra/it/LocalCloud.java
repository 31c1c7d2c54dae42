package dev.kiln.infra.it;

import dev.kiln.infra.Synthesized;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;

/**
 * The local cloud the integration tests run against (started and deployed to by Maven's
 * pre-integration-test phase): clients, the Kiln stack's outputs, and polling with a deadline.
 */
public final class LocalCloud {

    public static final String STACK = "kiln";
    public static final String ACCOUNT = "000000000000";
    public static final Region REGION = Region.US_EAST_1;

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:" + System.getProperty("local.cloud.port", "4566"));
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder()
            .socketTimeout(Duration.ofMinutes(2)).build();

    private LocalCloud() {
    }

    /** For example {@code LocalCloud.client(SqsClient.builder())}: a client with the local cloud's test keys. */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C client(B builder) {
        return client(builder, StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
    }

    /** A client of {@code region} of the local cloud (another region than Kiln's own), with its test keys. */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C client(B builder, Region region) {
        return client(builder, region, "test");
    }

    /**
     * A client of {@code region} in another account of the local cloud, with that account's keys (a 12-digit access key
     * is that account there), as a member account's administrator would call.
     */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C client(B builder, Region region,
                                                                                          String account) {
        return builder.httpClient(HTTP)
                .endpointOverride(ENDPOINT)
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(account, "test")))
                .build();
    }

    /** A client that calls as {@code credentials}, e.g. a session of a role whose policies the local cloud enforces. */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C client(
            B builder, AwsCredentialsProvider credentials) {
        return builder.httpClient(HTTP)
                .endpointOverride(ENDPOINT)
                .region(REGION)
                .credentialsProvider(credentials)
                .build();
    }

    /** Where the local cloud answers, e.g. http://127.0.0.1:4566. */
    public static URI endpoint() {
        return ENDPOINT;
    }

    /** An output of the deployed Kiln stack. */
    public static String stackOutput(String key) {
        try (CloudFormationClient cloudFormation = client(CloudFormationClient.builder())) {
            return cloudFormation.describeStacks(r -> r.stackName(STACK)).stacks().get(0).outputs().stream()
                    .filter(output -> output.outputKey().equals(key))
                    .map(Output::outputValue)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("stack " + STACK + " has no output " + key));
        }
    }

    /** The physical ids (names or ARNs) of the deployed Kiln stack's resources of {@code type}, e.g. AWS::Lambda::Function. */
    public static List<String> stackResources(String type) {
        try (CloudFormationClient cloudFormation = client(CloudFormationClient.builder())) {
            return cloudFormation.listStackResourcesPaginator(r -> r.stackName(STACK)).stackResourceSummaries().stream()
                    .filter(resource -> resource.resourceType().equals(type))
                    .map(StackResourceSummary::physicalResourceId)
                    .sorted()
                    .toList();
        }
    }

    /** An output of the member stack scripts/deploy-local deployed into {@code account}'s {@code region}. */
    public static String memberStackOutput(String account, String region, String key) {
        try (CloudFormationClient cloudFormation = client(CloudFormationClient.builder(), Region.of(region), account)) {
            return cloudFormation.describeStacks(r -> r.stackName(STACK + "-member")).stacks().get(0).outputs().stream()
                    .filter(output -> output.outputKey().equals(key))
                    .map(Output::outputValue)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("stack " + STACK + "-member in " + account + ", " + region
                            + " has no output " + key));
        }
    }

    /**
     * Gives every instance tagged {@code key=value} these faults (agent-offline, command-fails, command-hangs,
     * health-fails, no-capacity, create-image-fails, image-never-available; see the local cloud's instances.py and
     * ec2_faults.py): for instances Kiln launches, such as a bake's builder.
     */
    public static void fault(String key, String value, String faults) {
        fault(Map.of(key, value), faults);
    }

    /**
     * Gives these faults to every instance that carries all these tags, such as the EC2 tags of one launch template
     * version ({@code aws:ec2launchtemplate:id} and {@code aws:ec2launchtemplate:version}).
     */
    public static void fault(Map<String, String> tags, String faults) {
        Path rules = Path.of(System.getenv().getOrDefault("KILN_CACHE",
                Synthesized.layout().root().resolve(".cache").toString())).resolve("local-cloud/faults.tsv");
        String rule = tags.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
        try {
            Files.writeString(rules, rule + "\t" + faults + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add a fault to " + rules, e);
        }
    }

    /** Asks {@code probe} until it answers or {@code deadline} passes; never sleeps blindly past an answer. */
    public static <T> T await(String what, Duration deadline, Supplier<Optional<T>> probe) {
        Instant end = Instant.now().plus(deadline);
        while (true) {
            Optional<T> answer = probe.get();
            if (answer.isPresent()) {
                return answer.get();
            }
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("gave up after " + deadline.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
