package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * advisory-feed in the local cloud against a local ALAS site: the first read records a baseline, new
 * advisories are announced once each (also when the feed is read again, and after a crash between
 * announcing and recording, simulated by putting the ledger back as such a crash leaves it), with
 * the id, packages and releasever from their pages; a hostile feed changes nothing. The announced
 * advisories start patch like any other (the rule is real): their packages are ones no image
 * carries, so those patches bake nothing while other tests run.
 */
class AdvisoryFeedIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String FEED = "/AL2023/alas.rss";

    private static final LambdaClient LAMBDA = LocalCloud.client(LambdaClient.builder());
    private static final DynamoDbClient DYNAMO = LocalCloud.client(DynamoDbClient.builder());
    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());

    private static LocalAlas alas;
    private static KilnEvents announced;

    @BeforeAll
    static void site() throws Exception {
        alas = new LocalAlas();
        announced = new KilnEvents("{\"source\": [\"kiln.advisories\"], \"detail-type\": [\"Security Advisory Published\"]}");
        // as if Kiln had never read the feed: its next read is the first
        DYNAMO.deleteItem(r -> r.tableName(LocalCloud.stackOutput("AdvisoriesTableName"))
                .key(Map.of("key", AttributeValue.fromS("feed#2023"))));
    }

    @AfterAll
    static void stop() {
        announced.close();
        alas.close();
    }

    @Test
    void shouldAnnounceEachNewAdvisoryExactlyOnce() throws Exception {
        LocalAlas.Advisory old = advisory("kiln-it-openssl", "Mon, 03 Nov 2025 10:00:00 GMT");
        LocalAlas.Advisory expat = advisory("kiln-it-expat", "Wed, 05 Nov 2025 19:09:00 GMT");
        LocalAlas.Advisory curl = advisory("kiln-it-curl", "Thu, 06 Nov 2025 08:00:00 GMT");
        LocalAlas.Advisory zlib = advisory("kiln-it-zlib", "Fri, 07 Nov 2025 12:30:00 GMT");
        List<LocalAlas.Advisory> listed = new ArrayList<>(List.of(old));

        alas.list(listed);
        assertThat(feed(read())).containsEntry("result", "baseline").containsEntry("listed", 1);

        listed.addAll(0, List.of(curl, expat));
        alas.list(listed);
        JsonNode second = read();
        assertThat(feed(second)).containsEntry("result", "read").containsEntry("announced", 2).containsEntry("recovered", 0);

        assertThat(feed(read())).containsEntry("result", "unchanged");
        assertThat(alas.requests(FEED).get(alas.requests(FEED).size() - 1).ifNoneMatch()).isNotNull();

        // the function died after announcing expat, before recording it
        DYNAMO.updateItem(r -> r.tableName(LocalCloud.stackOutput("AdvisoriesTableName"))
                .key(Map.of("key", AttributeValue.fromS("advisory#2023#" + expat.feedId())))
                .updateExpression("SET #state = :pending REMOVE announcedAt")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS("PENDING"))));
        listed.add(0, zlib);
        alas.list(listed);
        assertThat(feed(read())).containsEntry("result", "read").containsEntry("announced", 1).containsEntry("recovered", 1);

        List<JsonNode> events = announced.receivedFor(Duration.ofSeconds(8)).stream()
                .filter(e -> List.of(old.id(), expat.id(), curl.id(), zlib.id()).contains(e.at("/detail/id").asText()))
                .toList();
        assertThat(events).extracting(e -> e.at("/detail/id").asText())
                .containsExactlyInAnyOrder(expat.id(), curl.id(), zlib.id());
        JsonNode expatEvent = events.stream().filter(e -> e.at("/detail/id").asText().equals(expat.id())).findFirst().orElseThrow();
        assertThat(expatEvent.get("detail")).isEqualTo(JSON.readTree("""
                {"id": "%s", "feedId": "%s", "amazonLinux": "2023", "severity": "important", "packages": ["kiln-it-expat"],
                 "cves": ["%s"], "link": "https://alas.aws.amazon.com/AL2023/%s.html", "publishedAt": "2025-11-05T19:09:00Z",
                 "releasever": "%s"}""".formatted(expat.id(), expat.feedId(), expat.cve(), expat.feedId(), expat.releasever())));
        assertThat(expatEvent.get("source").asText()).isEqualTo("kiln.advisories");
        assertThat(SFN.describeExecution(r -> r.executionArn(LocalCloud.stackOutput("AnnounceStateMachineArn")
                .replace(":stateMachine:", ":execution:") + ":alas-2023-" + expat.feedId())).status().toString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void shouldRefuseAHostileFeedAndAnnounceNothing() throws Exception {
        alas.serveRaw("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                + "<rss version=\"2.0\"><channel><item><title>ALAS2023-2025-9 (critical): &xxe;</title></item></channel></rss>");

        JsonNode outcome = read();

        assertThat(feed(outcome)).containsEntry("result", "failed");
        assertThat(outcome.at("/feeds/0/error").asText()).contains("declares a document type").doesNotContain("root:");
    }

    private static JsonNode read() throws Exception {
        InvokeResponse response = LAMBDA.invoke(r -> r.functionName(LocalCloud.stackOutput("AdvisoryFeedFunctionName"))
                .payload(SdkBytes.fromUtf8String("{}")));
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return JSON.readTree(response.payload().asUtf8String());
    }

    private static Map<String, Object> feed(JsonNode outcome) {
        JsonNode feed = outcome.at("/feeds/0");
        return Map.of("result", feed.get("result").asText(), "listed", feed.get("listed").asInt(),
                "announced", feed.get("announced").asInt(), "recovered", feed.get("recovered").asInt());
    }

    @Test
    void shouldShowAnAnnouncedAdvisoryAndItsPatchThroughTheCommandLineAndRefuseToPatchItAgain() throws Exception {
        LocalAlas.Advisory earlier = advisory("kiln-it-cli-zstd", "Sat, 08 Nov 2025 09:00:00 GMT");
        LocalAlas.Advisory announcedNow = advisory("kiln-it-cli-bzip2", "Sun, 09 Nov 2025 09:00:00 GMT");
        alas.list(List.of(earlier));
        read();
        alas.list(List.of(announcedNow, earlier));
        assertThat(feed(read())).containsEntry("announced", 1);
        // the rule starts patch, which finds no image carrying the package
        String state = LocalCloud.await("the patch of " + announcedNow.id(), Duration.ofMinutes(3), () -> java.util.Optional.ofNullable(
                DYNAMO.getItem(r -> r.tableName(LocalCloud.stackOutput("AdvisoriesTableName"))
                        .key(Map.of("key", AttributeValue.fromS("patch#" + announcedNow.id())))).item())
                .map(item -> item.get("state")).map(AttributeValue::s).filter(s -> !s.equals("PATCHING")));
        assertThat(state).isEqualTo("NOT_AFFECTED");

        KilnCli.Run all = KilnCli.run("--output", "json", "advisories");
        KilnCli.Run open = KilnCli.run("--output", "json", "advisories", "--open");
        KilnCli.Run again = KilnCli.run("patch", announcedNow.id());

        assertThat(all.exitCode()).as(all.err()).isZero();
        JsonNode listed = null;
        for (JsonNode a : all.json().path("advisories")) {
            if (a.path("id").asText().equals(announcedNow.id())) {
                listed = a;
            }
        }
        assertThat(listed).as(all.out()).isNotNull();
        assertThat(listed.path("patch").asText()).isEqualTo("NOT_AFFECTED");
        assertThat(listed.at("/detail/packages/0").asText()).isEqualTo("kiln-it-cli-bzip2");
        assertThat(listed.at("/detail/severity").asText()).isEqualTo("important");
        assertThat(open.json().path("advisories")).extracting(a -> a.path("id").asText()).doesNotContain(announcedNow.id());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("kiln: " + announcedNow.id() + " affects no role: no image carries its packages; nothing was started");
    }

    private static LocalAlas.Advisory advisory(String pkg, String pubDate) {
        int number = 10_000 + RANDOM.nextInt(900_000);
        return new LocalAlas.Advisory("ALAS-2025-" + number, "ALAS2023-2025-" + number, "important", pkg,
                "CVE-2025-" + (10_000 + RANDOM.nextInt(90_000)), pubDate, "2023.9.20251105");
    }
}
