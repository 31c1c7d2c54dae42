package dev.kiln.infra;

import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Template;

/** The Kiln app as `cdk synth` builds it, synthesized once per test run (synthesis takes seconds). */
public final class Synthesized {

    public static final String NAME = "kiln";

    private static Synthesized instance;

    private final KilnStack stack;
    private final dev.kiln.common.config.KilnConfig config;
    private final Template template;
    private final Annotations annotations;

    private Synthesized() {
        App app = new App(AppProps.builder().build());
        config = KilnApp.readConfig(layout().root().resolve("examples/kiln.json"));
        stack = KilnApp.build(app, layout(), NAME, config);
        template = Template.fromStack(stack);
        annotations = Annotations.fromStack(stack);
    }

    public static synchronized Synthesized kiln() {
        if (instance == null) {
            instance = new Synthesized();
        }
        return instance;
    }

    public static RepositoryLayout layout() {
        return RepositoryLayout.locate(System.getProperty("kiln.root"), Path.of(""));
    }

    public KilnStack stack() {
        return stack;
    }

    public dev.kiln.common.config.KilnConfig config() {
        return config;
    }

    public Template template() {
        return template;
    }

    public Annotations annotations() {
        return annotations;
    }
}
