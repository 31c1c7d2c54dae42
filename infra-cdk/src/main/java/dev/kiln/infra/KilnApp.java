package dev.kiln.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Path;
import java.util.Optional;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;

/**
 * The CDK app: one Kiln stack per deployment, checked by cdk-nag (AwsSolutions) at every synthesis so
 * that an unexplained finding fails {@code cdk synth} and {@code cdk deploy}.
 *
 * <p>Context: {@code kiln:name} names the deployment (default {@code kiln}): the stack, the event bus
 * and the prefix of every state machine.
 */
public final class KilnApp {

    private KilnApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        RepositoryLayout layout = RepositoryLayout.locate(System.getProperty("kiln.root"), Path.of(""));
        String name = Optional.ofNullable((String) app.getNode().tryGetContext("kiln:name")).orElse("kiln");
        build(app, layout, name);
        app.synth();
    }

    /** Adds the Kiln stack and the cdk-nag checks to {@code app}. */
    public static KilnStack build(App app, RepositoryLayout layout, String name) {
        KilnStack stack = new KilnStack(app, name, new KilnStack.Settings(name, layout));
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return stack;
    }
}
