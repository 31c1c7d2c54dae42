package dev.kiln.bluegreenplan;

import dev.kiln.bluegreenplan.Ports.Forward;
import dev.kiln.bluegreenplan.Ports.Listener;
import dev.kiln.bluegreenplan.Ports.Rule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeRulesResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ListenerNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;

/** The listener and its rules, from Elastic Load Balancing. */
record AwsLoadBalancing(ElasticLoadBalancingV2Client elb) implements Ports.LoadBalancing {

    /** DescribeTags takes at most 20 resources. */
    private static final int TAGS_PER_CALL = 20;

    @Override
    public Optional<Listener> listener(String arn) {
        try {
            return elb.describeListeners(r -> r.listenerArns(arn)).listeners().stream().findFirst().map(listener -> {
                List<Action> actions = listener.defaultActions().stream()
                        .sorted(Comparator.comparing(a -> a.order() == null ? 0 : a.order())).toList();
                return new Listener(listener.listenerArn(), listener.loadBalancerArn(), listener.protocolAsString(),
                        listener.port() == null ? 0 : listener.port(),
                        actions.stream().map(Action::typeAsString).toList(),
                        actions.stream().filter(a -> "forward".equals(a.typeAsString())).findFirst().map(AwsLoadBalancing::forwards)
                                .orElse(List.of()));
            });
        } catch (ListenerNotFoundException e) {
            return Optional.empty();
        }
    }

    /** A forward action's target groups: its ForwardConfig's, weighted (no weight is 1), or its one target group. */
    static List<Forward> forwards(Action forward) {
        if (forward.forwardConfig() != null && forward.forwardConfig().hasTargetGroups()
                && !forward.forwardConfig().targetGroups().isEmpty()) {
            return forward.forwardConfig().targetGroups().stream()
                    .map(t -> new Forward(t.targetGroupArn(), t.weight() == null ? 1 : t.weight())).toList();
        }
        return forward.targetGroupArn() == null ? List.of() : List.of(new Forward(forward.targetGroupArn(), 1));
    }

    @Override
    public Optional<String> dnsName(String loadBalancerArn) {
        try {
            return elb.describeLoadBalancers(r -> r.loadBalancerArns(loadBalancerArn)).loadBalancers().stream().findFirst()
                    .map(software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer::dnsName);
        } catch (LoadBalancerNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<Rule> rules(String listenerArn) {
        List<software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule> rules = new ArrayList<>();
        String marker = null;
        do {
            String page = marker;
            DescribeRulesResponse response = elb.describeRules(r -> r.listenerArn(listenerArn).marker(page));
            rules.addAll(response.rules());
            marker = response.nextMarker();
        } while (marker != null && !marker.isEmpty());
        List<software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule> numbered = rules.stream()
                .filter(r -> !Boolean.TRUE.equals(r.isDefault())).toList();
        Map<String, Map<String, String>> tags = tags(numbered.stream().map(r -> r.ruleArn()).toList());
        return numbered.stream().map(r -> new Rule(r.ruleArn(), Integer.parseInt(r.priority()),
                tags.getOrDefault(r.ruleArn(), Map.of()))).toList();
    }

    private Map<String, Map<String, String>> tags(List<String> arns) {
        Map<String, Map<String, String>> tags = new HashMap<>();
        for (int from = 0; from < arns.size(); from += TAGS_PER_CALL) {
            List<String> chunk = arns.subList(from, Math.min(arns.size(), from + TAGS_PER_CALL));
            elb.describeTags(r -> r.resourceArns(chunk)).tagDescriptions().forEach(description -> {
                Map<String, String> resource = new HashMap<>();
                description.tags().forEach((Tag tag) -> resource.put(tag.key(), tag.value()));
                tags.put(description.resourceArn(), resource);
            });
        }
        return tags;
    }
}
