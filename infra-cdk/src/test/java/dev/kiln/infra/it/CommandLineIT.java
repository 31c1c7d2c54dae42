package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * kiln status against the deployed stack, through the runnable jar: what it reports is what Kiln's tables and
 * parameters hold. (bake and logs are run by BakeIT, release by BlueGreenIT.)
 */
class CommandLineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DynamoDbClient DYNAMO = LocalCloud.client(DynamoDbClient.builder());
    private static final SsmClient SSM = LocalCloud.client(SsmClient.builder());

    @Test
    void shouldReportEachRolesCurrentImageAndReleaseAsKilnHoldsThem() throws Exception {
        KilnCli.Run status = KilnCli.run("--output", "json", "status");

        assertThat(status.exitCode()).as(status.err()).isZero();
        JsonNode roles = status.json().path("roles");
        assertThat(roles).extracting(r -> r.path("role").asText()).containsExactly("base", "web");
        for (JsonNode role : roles) {
            Map<String, AttributeValue> current = DYNAMO.getItem(r -> r.tableName(LocalCloud.stackOutput("BakesTableName"))
                    .key(Map.of("bakeKey", AttributeValue.fromS("current#" + role.path("role").asText())))).item();
            assertThat(role.at("/image/imageId").asText(null)).as(role.toString())
                    .isEqualTo(current == null || !current.containsKey("imageId") ? null : current.get("imageId").s());
            assertThat(role.path("release").isMissingNode() ? null : role.path("release")).isEqualTo(release(role.path("role").asText()));
        }
        assertThat(status.json().path("running").isArray()).isTrue();
        assertThat(status.json().path("lastFailures").isArray()).isTrue();
    }

    @Test
    void shouldPrintATableForPeopleAndRefuseAnUnknownRoleNamingTheRolesThereAre() throws Exception {
        KilnCli.Run table = KilnCli.run("status");
        KilnCli.Run unknown = KilnCli.run("status", "--role", "api");

        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).startsWith("ROLE ").contains("\nbase ", "\nweb ");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("kiln: unknown role api: the configuration has base, web");
    }

    private static JsonNode release(String role) throws Exception {
        try {
            return JSON.readTree(SSM.getParameter(r -> r.name("/kiln/releases/" + role)).parameter().value());
        } catch (ParameterNotFoundException none) {
            return null;
        }
    }
}
