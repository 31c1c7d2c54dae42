package dev.kiln.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code kiln}: the operator's command line. Finds the Kiln stack by name (its CloudFormation outputs), uses the
 * standard AWS credential and region chain (and AWS_ENDPOINT_URL, so it works on the local cloud), checks input
 * before anything starts, and follows what it starts until it ends. Exit codes: 0 done, 1 refused or failed,
 * 2 bad input (nothing started or changed).
 */
@Command(name = "kiln", mixinStandardHelpOptions = true, version = "kiln 0.1.0",
        description = "Operate Kiln: bake images, release roles blue/green, and see what Kiln did.",
        subcommands = {StatusCommand.class, BakeCommand.class, PatchCommand.class, RotateCommand.class, ReleaseCommand.class,
                FreezeCommand.class, UnfreezeCommand.class, ImagesCommand.class, AdvisoriesCommand.class, LogsCommand.class})
public final class Kiln implements Runnable {

    /** What a command needs from outside: AWS, the clock, whether it talks to a terminal, how it waits. */
    record Context(Cloud cloud, BranchHeads heads, Clock clock, boolean terminal, Console.Pause pause, String user) {
    }

    enum Output { text, json }

    @Option(names = "--stack", defaultValue = "kiln", description = "the Kiln stack's name (default: ${DEFAULT-VALUE})")
    String stack;

    @Option(names = "--output", defaultValue = "text", description = "text (for people) or json (for scripts: the"
            + " result is the only thing on standard output); default: ${DEFAULT-VALUE}")
    Output output;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final Context context;
    private Deployment deployment;

    Kiln(Context context) {
        this.context = context;
    }

    public static void main(String[] args) {
        System.setProperty("log4j2.configurationFile", "log4j2-cli.xml");
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        Context context = new Context(new AwsCloud(), BranchHeads.gitHub(), Clock.systemUTC(), Terminal.interactive(), Kiln::sleep,
                System.getProperty("user.name", "someone"));
        System.exit(run(context, out, err, args));
    }

    /** Runs one command line: its exit code. */
    static int run(Context context, PrintWriter out, PrintWriter err, String... args) {
        CommandLine line = new CommandLine(new Kiln(context));
        line.setOut(out).setErr(err).setCaseInsensitiveEnumValuesAllowed(true);
        line.setExecutionExceptionHandler((exception, failed, parsed) -> {
            if (exception instanceof CliException refused) {
                err.println("kiln: " + refused.getMessage());
                return refused.exitCode();
            }
            if (exception instanceof SdkException aws) {
                err.println("kiln: AWS refused or could not be reached: " + aws.getMessage());
                return CliException.FAILED;
            }
            throw exception;
        });
        return line.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    Context context() {
        return context;
    }

    /** The deployed Kiln this command works on (found once). */
    Deployment deployment() {
        if (deployment == null) {
            deployment = Deployment.find(context.cloud(), stack);
        }
        return deployment;
    }

    Console console() {
        return new Console(spec.commandLine().getOut(), spec.commandLine().getErr(), output == Output.json, context.terminal()
                && output == Output.text, context.pause());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        }
    }
}
