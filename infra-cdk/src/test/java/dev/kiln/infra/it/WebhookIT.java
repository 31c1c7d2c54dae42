package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.infra.Synthesized;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * GitHub's push webhook, end to end in the local cloud: a signed delivery POSTed to the deployed
 * Function URL, the push state machine it leads to, the bake it starts, and the commit's tarball the
 * bake fetches from a local GitHub API. Payloads are GitHub's published push sample
 * (events/github/push.json) with the repository, branch, commit and paths changed to the example fleet's.
 */
class WebhookIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FLEET = Synthesized.layout().root().resolve("examples/fleet");
    private static final Duration SOON = Duration.ofMinutes(2);

    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final DynamoDbClient DYNAMO = LocalCloud.client(DynamoDbClient.builder());
    private static final S3Client S3 = LocalCloud.client(S3Client.builder().forcePathStyle(true));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalGitHub github;
    private static String secret;

    /** What the webhook answered. */
    private record Answer(int status, JsonNode body) {
    }

    @BeforeAll
    static void start() throws IOException {
        github = new LocalGitHub();
        try (SecretsManagerClient secrets = LocalCloud.client(SecretsManagerClient.builder())) {
            secret = secrets.getSecretValue(r -> r.secretId(LocalCloud.stackOutput("WebhookSecretName"))).secretString();
        }
    }

    @AfterAll
    static void stop() {
        github.close();
    }

    @Test
    void shouldStartABakeOfTheRoleWhoseFilesThePushChangedAndFetchItsCommitOnce() throws Exception {
        // given a commit on GitHub that changes the web role
        String sha = SourceBundles.newSha();
        github.serve(FLEET, sha);
        byte[] push = push(sha, "refs/heads/main", "roles/web/templates/kiln-site.conf.j2");
        String delivery = UUID.randomUUID().toString();

        // when GitHub delivers the push
        Answer answer = deliver("push", delivery, push, sign(secret, push));

        // then it is accepted for the web role
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(202);
        assertThat(answer.body().get("roles")).extracting(JsonNode::asText).containsExactly("web");
        assertThat(answer.body().get("sha").asText()).isEqualTo(sha);

        // the bake of web at that commit starts, with the push as its input
        DescribeExecutionResponse bake = awaitBake("web-" + sha);
        assertThat(JSON.readTree(bake.input())).isEqualTo(JSON.readTree("""
                {"role": "web", "reason": "push",
                 "source": {"sha": "%s", "ref": "refs/heads/main", "pushedAt": "%s"}}
                """.formatted(sha, pushedAt(push))));

        // its first step fetches the commit's tarball from the GitHub API, once, into the artifact bucket
        LocalCloud.await("the bundle of " + sha + " in the artifact bucket", SOON, () -> bundleSize(sha));
        assertThat(github.requestsFor(sha)).hasSize(1);

        // and the push state machine that started it succeeded
        assertThat(awaitPushExecution(delivery).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    @Test
    void shouldAnswerARedeliveryAsBeforeAndStartNothingNew() throws Exception {
        // given a push GitHub delivered and Kiln accepted
        String sha = SourceBundles.newSha();
        github.serve(FLEET, sha);
        byte[] push = push(sha, "refs/heads/main", "roles/web/playbook.yml");
        String delivery = UUID.randomUUID().toString();
        Answer first = deliver("push", delivery, push, sign(secret, push));
        DescribeExecutionResponse firstPush = awaitPushExecution(delivery);
        awaitBake("web-" + sha);
        LocalCloud.await("the bundle of " + sha + " in the artifact bucket", SOON, () -> bundleSize(sha));

        // when GitHub redelivers it
        Answer again = deliver("push", delivery, push, sign(secret, push));

        // then the answer is the same, and no second push execution or bake starts
        assertThat(again).isEqualTo(first);
        Thread.sleep(5_000);
        assertThat(pushExecutionsFor(delivery)).singleElement().extracting(ExecutionListItem::executionArn)
                .isEqualTo(firstPush.executionArn());
        assertThat(bakesNamed("web-" + sha)).hasSize(1);

        // even a second delivery of the same push (a new id) starts no second bake of the commit
        String another = UUID.randomUUID().toString();
        assertThat(deliver("push", another, push, sign(secret, push)).status()).isEqualTo(202);
        assertThat(awaitPushExecution(another).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(bakesNamed("web-" + sha)).hasSize(1);
        assertThat(github.requestsFor(sha)).hasSize(1);
    }

    @Test
    void shouldRefuseADeliveryWithoutTheRightSignatureAndStoreOrStartNothing() throws Exception {
        String sha = SourceBundles.newSha();
        byte[] push = push(sha, "refs/heads/main", "roles/web/playbook.yml");
        String wrong = UUID.randomUUID().toString();
        String missing = UUID.randomUUID().toString();

        Answer wrongSecret = deliver("push", wrong, push, sign(secret + "x", push));
        Answer unsigned = deliver("push", missing, push, null);

        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(wrongSecret.body().get("error").asText()).contains("does not match");
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.body().get("error").asText()).contains("X-Hub-Signature-256 is missing");
        Thread.sleep(5_000);
        for (String delivery : List.of(wrong, missing)) {
            assertThat(DYNAMO.getItem(r -> r.tableName(deliveriesTable())
                    .key(Map.of("deliveryId", AttributeValue.fromS(delivery)))).hasItem()).isFalse();
            assertThat(pushExecutionsFor(delivery)).isEmpty();
        }
        assertThat(bakesNamed("web-" + sha)).isEmpty();
    }

    @Test
    void shouldAnswerPingAndSayWhyAPushToAnotherBranchBakesNothing() throws Exception {
        byte[] ping = Files.readAllBytes(Synthesized.layout().root().resolve("events/github/ping.json"));
        Answer pong = deliver("ping", UUID.randomUUID().toString(), ping, sign(secret, ping));
        assertThat(pong.status()).isEqualTo(200);
        assertThat(pong.body().get("reason").asText()).startsWith("pong").contains("example-org/fleet branch main");

        byte[] feature = push(SourceBundles.newSha(), "refs/heads/feature", "roles/web/playbook.yml");
        Answer ignored = deliver("push", UUID.randomUUID().toString(), feature, sign(secret, feature));
        assertThat(ignored.status()).isEqualTo(200);
        assertThat(ignored.body().get("reason").asText())
                .isEqualTo("a push to refs/heads/feature: Kiln bakes pushes to refs/heads/main");
    }

    @Test
    void shouldVerifyAFormEncodedDeliveryOverTheBodyGitHubSentByteForByte() throws Exception {
        // GitHub's "application/x-www-form-urlencoded" deliveries: payload=<the JSON>, signed over the raw
        // body; this one encodes spaces as %20, which a re-encoding would turn into +
        byte[] json = push(SourceBundles.newSha(), "refs/heads/feature", "roles/web/playbook.yml");
        byte[] form = ("payload=" + URLEncoder.encode(new String(json, StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                .replace("+", "%20")).getBytes(StandardCharsets.UTF_8);
        assertThat(new String(form, StandardCharsets.UTF_8)).contains("%20");

        Answer answer = deliver("push", UUID.randomUUID().toString(), form, sign(secret, form),
                "application/x-www-form-urlencoded");

        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        assertThat(answer.body().get("reason").asText())
                .isEqualTo("a push to refs/heads/feature: Kiln bakes pushes to refs/heads/main");
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** GitHub's push sample made a push of {@code sha} to example-org/fleet changing {@code paths}. */
    private static byte[] push(String sha, String ref, String... paths) throws IOException {
        ObjectNode push = (ObjectNode) JSON.readTree(Synthesized.layout().root().resolve("events/github/push.json").toFile());
        push.put("ref", ref).put("before", SourceBundles.newSha()).put("after", sha);
        ObjectNode repository = (ObjectNode) push.get("repository");
        repository.put("name", "fleet").put("full_name", "example-org/fleet").put("pushed_at", Instant.now().getEpochSecond());
        ObjectNode commit = (ObjectNode) push.withArray("commits").get(0);
        commit.put("id", sha);
        commit.putArray("added");
        commit.putArray("removed");
        var modified = commit.putArray("modified");
        for (String path : paths) {
            modified.add(path);
        }
        push.set("head_commit", commit.deepCopy());
        return JSON.writeValueAsBytes(push);
    }

    private static String pushedAt(byte[] push) throws IOException {
        return Instant.ofEpochSecond(JSON.readTree(push).at("/repository/pushed_at").asLong()).toString();
    }

    private static String sign(String key, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    /** POSTs as GitHub does, to the Function URL (which the local cloud routes by the Host header). */
    private static Answer deliver(String event, String delivery, byte[] body, String signature) throws Exception {
        return deliver(event, delivery, body, signature, "application/json");
    }

    private static Answer deliver(String event, String delivery, byte[] body, String signature, String contentType)
            throws Exception {
        // e.g. http://<url-id>.lambda-url.us-east-1.127.0.0.1:4566/, which is no host name a resolver knows
        String host = LocalCloud.stackOutput("WebhookUrl").replaceFirst("^https?://", "").replaceFirst("[:/].*$", "");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:4566/"))
                .header("Host", host)
                .header("Content-Type", contentType)
                .header("User-Agent", "GitHub-Hookshot/044aadd")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", delivery)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    private static DescribeExecutionResponse awaitBake(String name) {
        String arn = LocalCloud.stackOutput("BakeStateMachineArn").replace(":stateMachine:", ":execution:") + ":" + name;
        return LocalCloud.await("bake execution " + name, SOON, () -> {
            try {
                return Optional.of(SFN.describeExecution(r -> r.executionArn(arn)));
            } catch (ExecutionDoesNotExistException notYet) {
                return Optional.empty();
            }
        });
    }

    private static List<ExecutionListItem> bakesNamed(String name) {
        return SFN.listExecutionsPaginator(r -> r.stateMachineArn(LocalCloud.stackOutput("BakeStateMachineArn")))
                .executions().stream().filter(e -> e.name().equals(name)).toList();
    }

    private static List<ExecutionListItem> pushExecutionsFor(String delivery) {
        return SFN.listExecutionsPaginator(r -> r.stateMachineArn(LocalCloud.stackOutput("PushStateMachineArn")))
                .executions().stream()
                .filter(e -> SFN.describeExecution(r -> r.executionArn(e.executionArn())).input().contains(delivery))
                .toList();
    }

    private static DescribeExecutionResponse awaitPushExecution(String delivery) {
        return LocalCloud.await("the push execution of delivery " + delivery, SOON, () -> pushExecutionsFor(delivery).stream()
                .findFirst()
                .map(e -> SFN.describeExecution(r -> r.executionArn(e.executionArn())))
                .filter(e -> e.status() != ExecutionStatus.RUNNING));
    }

    private static Optional<Long> bundleSize(String sha) {
        try {
            return Optional.of(S3.headObject(r -> r.bucket(LocalCloud.stackOutput("ArtifactBucketName"))
                    .key(SourceBundles.bundleKey(sha))).contentLength());
        } catch (NoSuchKeyException notYet) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static String deliveriesTable() {
        return LocalCloud.stackOutput("DeliveriesTableName");
    }
}
