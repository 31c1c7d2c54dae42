package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.State;

/** What `scripts/deploy-local` left in the local cloud. */
class DeployedStackIT {

    private final CloudFormationClient cloudFormation = LocalCloud.client(CloudFormationClient.builder());
    private final LambdaClient lambda = LocalCloud.client(LambdaClient.builder());

    @Test
    void shouldHaveEveryDeployedFunctionActiveOnTheJava21Runtime() {
        List<String> functions = cloudFormation.listStackResourcesPaginator(r -> r.stackName(LocalCloud.STACK))
                .stackResourceSummaries().stream()
                .filter(resource -> resource.resourceType().equals("AWS::Lambda::Function"))
                .map(StackResourceSummary::physicalResourceId)
                .toList();

        assertThat(functions).isNotEmpty();
        for (String function : functions) {
            FunctionConfiguration configuration = lambda.getFunction(r -> r.functionName(function)).configuration();
            assertThat(configuration.state()).as("state of %s", function).isEqualTo(State.ACTIVE);
            assertThat(configuration.lastUpdateStatus()).as("last update of %s", function)
                    .isEqualTo(LastUpdateStatus.SUCCESSFUL);
            assertThat(configuration.runtimeAsString()).isEqualTo("java21");
        }
    }
}
