package dev.kiln.infra.constructs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * How the team sees Kiln run and hears when it stops: a CloudWatch dashboard (workflow outcomes and
 * durations, lifecycle actions, rotations, advisories, the webhook's refusals, each function's errors,
 * throttles and duration, the dead-letter queues' depth) and alarms, each with its runbook in its
 * description, that publish to the team's topic. docs/operations.md lists both.
 *
 * <p>Built-in metrics where AWS has them (AWS/States per state machine, AWS/Lambda per function,
 * AWS/SQS per queue); the facts only a function knows are Kiln's own metrics (namespace {@code Kiln}),
 * which the functions write with common's KilnMetrics. Create it last: it watches every Kiln function
 * and queue already in the stack. The dead-letter queues' own alarms are {@link DeadLetters#watchAll}'s.
 */
public final class Operations extends Construct {

    /** Kiln's own metrics (common's KilnMetrics.NAMESPACE). */
    static final String NAMESPACE = "Kiln";
    /** advisory-feed's metrics (its EmfMetrics.NAMESPACE). */
    static final String ADVISORIES_NAMESPACE = "Kiln/Advisories";

    /** A workflow has failed (or timed out) at least this many times, and succeeded never, within {@link #STREAK_WINDOW}. */
    static final int FAILURES_IN_A_ROW = 3;
    static final Duration STREAK_WINDOW = Duration.hours(6);
    /** The webhook refused at least this many requests for their signature within {@link #REFUSAL_WINDOW}. */
    static final int REFUSED_SIGNATURES = 10;
    static final Duration REFUSAL_WINDOW = Duration.minutes(5);
    /** More than this share of launches ABANDONed within {@link #ABANDON_WINDOW}, once at least {@link #MIN_LAUNCHES} ended. */
    static final double ABANDON_RATE = 0.2;
    static final int MIN_LAUNCHES = 5;
    static final Duration ABANDON_WINDOW = Duration.hours(1);
    /** A function's errors and throttles are summed over this period; one is enough. */
    static final Duration FUNCTION_WINDOW = Duration.minutes(5);

    /** A workflow to watch: its short name (bake, launch, ...) and its state machine. */
    public record Workflow(String name, IStateMachine machine) {
    }

    /**
     * @param name                 the deployment's name: the dashboard's name and every alarm name's prefix
     * @param workflows            every Kiln state machine, in the dashboard's order
     * @param bake                 bake's state machine (its durations)
     * @param launch               launch's state machine (its durations, its CONTINUEs)
     * @param advisoryFeed         the function the advisory schedule runs
     * @param advisoryEveryMinutes the advisory schedule's rate
     * @param feeds                the Amazon Linux versions whose feeds are read (2023, 2)
     * @param topic                the team's topic: every alarm publishes there
     */
    public record Props(String name, List<Workflow> workflows, IStateMachine bake, IStateMachine launch,
                        IFunction advisoryFeed, int advisoryEveryMinutes, List<String> feeds, ITopic topic) {

        public Props {
            workflows = List.copyOf(workflows);
            feeds = List.copyOf(feeds);
        }
    }

    private final Dashboard dashboard;
    private final List<Alarm> alarms = new ArrayList<>();

    public Operations(Construct scope, String id, Props props) {
        super(scope, id);
        List<KilnFunction> functions = Stack.of(this).getNode().findAll().stream()
                .filter(KilnFunction.class::isInstance).map(KilnFunction.class::cast).toList();
        List<Queue> queues = Stack.of(this).getNode().findAll().stream()
                .filter(Queue.class::isInstance).map(Queue.class::cast).toList();

        for (Workflow workflow : props.workflows()) {
            workflowFailing(props, workflow);
        }
        for (KilnFunction function : functions) {
            functionFailing(props, function);
        }
        advisoryFeedSilent(props);
        signaturesRefused(props);
        launchesAbandoned(props);

        dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(props.name())
                .build();
        dashboard.addWidgets(TextWidget.Builder.create()
                .markdown("# Kiln (" + props.name() + ")\nWorkflows, functions and queues; each alarm's runbook is in its"
                        + " description and in docs/operations.md.")
                .width(24).height(2).build());
        List<IWidget> executions = new ArrayList<>();
        for (Workflow workflow : props.workflows()) {
            executions.add(graph("Executions: " + workflow.name(), List.of(
                    workflow.machine().metricStarted(sum(Duration.hours(1), "started")),
                    workflow.machine().metricSucceeded(sum(Duration.hours(1), "succeeded")),
                    workflow.machine().metricFailed(sum(Duration.hours(1), "failed")),
                    workflow.machine().metricTimedOut(sum(Duration.hours(1), "timed out"))), 6));
        }
        dashboard.addWidgets(executions.toArray(IWidget[]::new));
        dashboard.addWidgets(
                graph("Bake duration (p50, p90)", percentiles(props.bake()), 8),
                graph("Launch deploy duration (p50, p90)", percentiles(props.launch()), 8),
                graph("Launch lifecycle actions: CONTINUE vs ABANDON", List.of(
                        continued(props.launch(), Duration.hours(1)), abandoned(Duration.hours(1))), 8));
        List<IMetric> advisories = new ArrayList<>();
        for (String feed : props.feeds()) {
            advisories.add(kiln(ADVISORIES_NAMESPACE, "AdvisoriesAnnounced", Map.of("Feed", "AL" + feed),
                    Duration.hours(1), "announced (AL" + feed + ")"));
        }
        advisories.add(kiln(NAMESPACE, "Patches", Map.of("State", "PATCHED"), Duration.hours(1), "patched"));
        advisories.add(kiln(NAMESPACE, "Patches", Map.of("State", "INCOMPLETE"), Duration.hours(1), "not fully patched"));
        dashboard.addWidgets(
                graph("Rotation outcomes", List.of("SUCCEEDED", "PARTIAL", "FAILED").stream()
                        .map(status -> (IMetric) kiln(NAMESPACE, "Rotations", Map.of("Status", status), Duration.hours(1),
                                status.toLowerCase(Locale.ROOT)))
                        .toList(), 8),
                graph("Advisories announced and patched", advisories, 8),
                graph("Webhook requests refused for their signature",
                        List.of(refusals(REFUSAL_WINDOW, "refused for their signature")), 8));
        dashboard.addWidgets(
                graph("Lambda errors", functions.stream()
                        .map(f -> (IMetric) f.function().metricErrors(sum(FUNCTION_WINDOW, module(f)))).toList(), 8),
                graph("Lambda throttles", functions.stream()
                        .map(f -> (IMetric) f.function().metricThrottles(sum(FUNCTION_WINDOW, module(f)))).toList(), 8),
                graph("Lambda duration (p90)", functions.stream()
                        .map(f -> (IMetric) f.function().metricDuration(MetricOptions.builder()
                                .statistic("p90").period(FUNCTION_WINDOW).label(module(f)).build())).toList(), 8));
        dashboard.addWidgets(
                graph("Dead-letter queue depth", queues.stream()
                        .map(q -> (IMetric) q.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                                .statistic("Maximum").period(Duration.minutes(5)).label(path(q)).build())).toList(), 12),
                AlarmStatusWidget.Builder.create()
                        .title("Kiln's alarms (dead-letter queues: the -undelivered- alarms)")
                        .alarms(alarms.stream().map(IAlarm.class::cast).toList())
                        .width(12).height(8).build());
    }

    /** "In a row" as CloudWatch can say it: at least N failures and no success in one window. */
    private void workflowFailing(Props props, Workflow workflow) {
        MetricOptions window = sum(STREAK_WINDOW, null);
        Map<String, IMetric> using = new LinkedHashMap<>();
        using.put("failed", workflow.machine().metricFailed(window));
        using.put("timedOut", workflow.machine().metricTimedOut(window));
        using.put("succeeded", workflow.machine().metricSucceeded(window));
        alarm("WorkflowFailing" + LifecycleWorkflows.pascal(workflow.name()), props,
                props.name() + "-" + workflow.name() + "-failing-in-a-row",
                MathExpression.Builder.create()
                        .expression("IF(FILL(failed, 0) + FILL(timedOut, 0) >= " + FAILURES_IN_A_ROW
                                + " AND FILL(succeeded, 0) == 0, 1, 0)")
                        .usingMetrics(using).period(STREAK_WINDOW)
                        .label(workflow.name() + ": failed " + FAILURES_IN_A_ROW + "+ times, succeeded never").build(),
                1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1, TreatMissingData.NOT_BREACHING,
                "The " + workflow.name() + " workflow failed or timed out " + FAILURES_IN_A_ROW + " times or more within "
                        + STREAK_WINDOW.toHours() + " hours and succeeded never. Runbook: read the notify messages (or"
                        + " kiln status; kiln logs EXECUTION) for the first failure's cause; fix it (configuration,"
                        + " release, permissions, a dependency down) before starting it again.");
    }

    private void functionFailing(Props props, KilnFunction function) {
        String module = module(function);
        Map<String, IMetric> using = new LinkedHashMap<>();
        using.put("errors", function.function().metricErrors(sum(FUNCTION_WINDOW, null)));
        using.put("throttles", function.function().metricThrottles(sum(FUNCTION_WINDOW, null)));
        alarm("FunctionFailing" + LifecycleWorkflows.pascal(module), props, props.name() + "-lambda-" + module + "-failing",
                MathExpression.Builder.create()
                        .expression("FILL(errors, 0) + FILL(throttles, 0)")
                        .usingMetrics(using).period(FUNCTION_WINDOW).label(module + ": errors + throttles").build(),
                0, ComparisonOperator.GREATER_THAN_THRESHOLD, 1, TreatMissingData.NOT_BREACHING,
                "The " + module + " function (" + function.service() + ") had errors or was throttled in the last five"
                        + " minutes. Runbook: its log group (POWERTOOLS_SERVICE_NAME " + function.service() + ") says why"
                        + " for errors; for throttles, raise its reserved concurrency or the account's limit; then"
                        + " check its dead-letter queue and the workflow that called it.");
    }

    private void advisoryFeedSilent(Props props) {
        Duration interval = Duration.minutes(props.advisoryEveryMinutes());
        alarm("AdvisoryFeedSilent", props, props.name() + "-advisory-feed-not-running",
                props.advisoryFeed().metricInvocations(sum(interval, null)),
                1, ComparisonOperator.LESS_THAN_THRESHOLD, 2, TreatMissingData.BREACHING,
                "advisory-feed has not run for two of its schedule's intervals (" + props.advisoryEveryMinutes()
                        + " minutes each): no new advisory is announced or patched. Runbook: check that the rule"
                        + " Advisories/Schedule is enabled and targets the function, and the function's throttles and"
                        + " dead-letter queue; invoke it by hand to read the feeds now.");
    }

    private void signaturesRefused(Props props) {
        alarm("WebhookSignaturesRefused", props, props.name() + "-webhook-signatures-refused",
                refusals(REFUSAL_WINDOW, null), REFUSED_SIGNATURES, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                TreatMissingData.NOT_BREACHING,
                "The GitHub webhook refused " + REFUSED_SIGNATURES + " or more requests for their signature within five"
                        + " minutes: someone probes the URL, or GitHub's webhook secret is not Kiln's. Runbook: in"
                        + " GitHub's webhook settings, Recent Deliveries show 401s if the secret is wrong: paste the value"
                        + " of the WebhookSecretName secret; if GitHub shows none, the requests are not GitHub's.");
    }

    private void launchesAbandoned(Props props) {
        Map<String, IMetric> using = new LinkedHashMap<>();
        using.put("abandoned", abandoned(ABANDON_WINDOW));
        using.put("continued", continued(props.launch(), ABANDON_WINDOW));
        String ended = "FILL(abandoned, 0) + FILL(continued, 0)";
        alarm("LaunchesAbandoned", props, props.name() + "-launch-abandon-rate",
                MathExpression.Builder.create()
                        .expression("IF(" + ended + " >= " + MIN_LAUNCHES + ", FILL(abandoned, 0) / (" + ended + "), 0)")
                        .usingMetrics(using).period(ABANDON_WINDOW).label("share of launches ABANDONed").build(),
                ABANDON_RATE, ComparisonOperator.GREATER_THAN_THRESHOLD, 1, TreatMissingData.NOT_BREACHING,
                "More than " + Math.round(ABANDON_RATE * 100) + "% of launches were ABANDONed within an hour (at least "
                        + MIN_LAUNCHES + " ended). Runbook: kiln status and the notify messages name the failing"
                        + " step; a bad release or image is the usual cause: roll the release back (the release function)"
                        + " or the image; launch-guard suspends a group's launches after repeated failures.");
    }

    private void alarm(String id, Props props, String name, IMetric metric, double threshold, ComparisonOperator comparison,
                       int evaluationPeriods, TreatMissingData missing, String description) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .alarmName(name)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(comparison)
                .evaluationPeriods(evaluationPeriods)
                .treatMissingData(missing)
                .build();
        alarm.addAlarmAction(new SnsAction(props.topic()));
        alarms.add(alarm);
    }

    /** A launch that went in service: launch has no function after CONTINUE, so its succeeded executions count them. */
    private static IMetric continued(IStateMachine launch, Duration period) {
        return launch.metricSucceeded(sum(period, "CONTINUE (launch executions succeeded)"));
    }

    /** A launch that did not: launch-guard counts each ABANDON once. */
    private static IMetric abandoned(Duration period) {
        return kiln(NAMESPACE, "LifecycleActions", Map.of("Result", "ABANDON"), period, "ABANDON");
    }

    /** @param label the graph's label; none in an alarm (a label makes CloudWatch's alarm a metric query) */
    private static IMetric refusals(Duration period, String label) {
        return kiln(NAMESPACE, "WebhookRefusals", Map.of("Reason", "signature"), period, label);
    }

    private static List<IMetric> percentiles(IStateMachine machine) {
        return List.of("p50", "p90").stream()
                .map(statistic -> (IMetric) machine.metric("ExecutionTime", MetricOptions.builder()
                        .statistic(statistic).period(Duration.hours(1)).label(statistic).build()))
                .toList();
    }

    private static Metric kiln(String namespace, String metric, Map<String, String> dimensions, Duration period, String label) {
        Metric.Builder builder = Metric.Builder.create().namespace(namespace).metricName(metric).dimensionsMap(dimensions)
                .statistic("Sum").period(period);
        return label == null ? builder.build() : builder.label(label).build();
    }

    private static MetricOptions sum(Duration period, String label) {
        MetricOptions.Builder options = MetricOptions.builder().statistic("Sum").period(period);
        return label == null ? options.build() : options.label(label).build();
    }

    private static GraphWidget graph(String title, List<IMetric> metrics, int width) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(width).height(6).build();
    }

    /** The function's module, e.g. advisory-feed for kiln-advisory-feed. */
    private static String module(KilnFunction function) {
        return function.service().replaceFirst("^kiln-", "");
    }

    private static String path(Queue queue) {
        return queue.getNode().getPath().replaceFirst("^[^/]+/", "");
    }

    public Dashboard dashboard() {
        return dashboard;
    }

    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }
}
