package dev.kiln.infra.constructs;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.autoscaling.CfnLifecycleHook;
import software.constructs.Construct;

/**
 * Kiln's two lifecycle hooks on one of your Auto Scaling groups, for your own CDK stack (Kiln never
 * changes your groups). The launch hook holds a new instance in Pending:Wait until launch deployed
 * and checked it, and ABANDONs by default, so an instance nobody verified never serves; the drain hook
 * holds a leaving instance until drain is done, and CONTINUEs by default, so scale-in is never
 * blocked. Tag the group {@code kiln:role=<role>} with PropagateAtLaunch, and give its instances
 * Kiln's fleet instance policy and AmazonSSMManagedInstanceCore.
 */
public final class KilnLifecycleHooks extends Construct {

    /**
     * @param deployment      the Kiln deployment's name (default {@code kiln}): the hooks are {@code <deployment>-launch}
     *                        and {@code <deployment>-drain}
     * @param launchHeartbeat how long launch may go without a heartbeat (it sends one every minute while it works)
     * @param drainHeartbeat  how long drain may take at most; longer than the role's drain timeoutSeconds
     */
    public record Props(String autoScalingGroupName, String deployment, Duration launchHeartbeat, Duration drainHeartbeat) {

        /** The usual bounds: ten minutes without a heartbeat for launch, ten minutes for drain. */
        public static Props of(String autoScalingGroupName) {
            return new Props(autoScalingGroupName, "kiln", Duration.minutes(10), Duration.minutes(10));
        }
    }

    private final CfnLifecycleHook launch;
    private final CfnLifecycleHook drain;

    public KilnLifecycleHooks(Construct scope, String id, Props props) {
        super(scope, id);
        launch = CfnLifecycleHook.Builder.create(this, "Launch")
                .autoScalingGroupName(props.autoScalingGroupName())
                .lifecycleHookName(props.deployment() + "-launch")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_LAUNCHING")
                .heartbeatTimeout(props.launchHeartbeat().toSeconds())
                .defaultResult("ABANDON")
                .build();
        drain = CfnLifecycleHook.Builder.create(this, "Drain")
                .autoScalingGroupName(props.autoScalingGroupName())
                .lifecycleHookName(props.deployment() + "-drain")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_TERMINATING")
                .heartbeatTimeout(props.drainHeartbeat().toSeconds())
                .defaultResult("CONTINUE")
                .build();
    }

    public CfnLifecycleHook launch() {
        return launch;
    }

    public CfnLifecycleHook drain() {
        return drain;
    }
}
