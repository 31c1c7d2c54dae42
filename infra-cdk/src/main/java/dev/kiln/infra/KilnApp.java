package dev.kiln.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;

/**
 * The CDK app: one Kiln stack per deployment, checked by cdk-nag (AwsSolutions) at every synthesis so
 * that an unexplained finding fails {@code cdk synth} and {@code cdk deploy}.
 *
 * <p>Context: {@code kiln:config} is the path of the deployment's configuration (required; see
 * examples/kiln.json); {@code kiln:name} names the deployment (default {@code kiln}): the stack, the
 * event bus, the prefix of every state machine and of its SSM parameters. With {@code kiln:memberOf}
 * (the hub's account id) the app is the member stack {@code <name>-member} instead, to deploy into a
 * target account (docs/distribution.md).
 */
public final class KilnApp {

    private KilnApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        RepositoryLayout layout = RepositoryLayout.locate(System.getProperty("kiln.root"), Path.of(""));
        String name = Optional.ofNullable((String) app.getNode().tryGetContext("kiln:name")).orElse("kiln");
        String configPath = (String) app.getNode().tryGetContext("kiln:config");
        if (configPath == null || configPath.isBlank()) {
            throw new IllegalArgumentException("say which configuration to deploy: -c kiln:config=<path to kiln.json>"
                    + " (examples/kiln.json shows one)");
        }
        // a member stack is built from the hub's kiln.json too, checked the same way
        KilnConfig config = readConfig(Path.of(configPath));
        String memberOf = (String) app.getNode().tryGetContext("kiln:memberOf");
        if (memberOf != null) {
            // the CDK CLI tells the app the account and region its credentials deploy to
            buildMember(app, new KilnMemberStack.Settings(name, memberOf, System.getenv("CDK_DEFAULT_REGION"),
                    System.getenv("CDK_DEFAULT_ACCOUNT"), layout, config));
        } else {
            build(app, layout, name, config);
        }
        app.synth();
    }

    /** Reads and checks the configuration; every problem in it is named in the exception. */
    public static KilnConfig readConfig(Path path) {
        try {
            return KilnConfigJson.read(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kiln configuration " + path.toAbsolutePath(), e);
        }
    }

    /** Adds a member stack, {@code <name>-member}, and the cdk-nag checks to {@code app}. */
    public static KilnMemberStack buildMember(App app, KilnMemberStack.Settings settings) {
        KilnMemberStack stack = new KilnMemberStack(app, settings.name() + "-member", settings);
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return stack;
    }

    /** Adds the Kiln stack and the cdk-nag checks to {@code app}. */
    public static KilnStack build(App app, RepositoryLayout layout, String name, KilnConfig config) {
        KilnStack stack = new KilnStack(app, name, new KilnStack.Settings(name, layout, config));
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return stack;
    }
}
