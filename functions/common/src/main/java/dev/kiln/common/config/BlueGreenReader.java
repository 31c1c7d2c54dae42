package dev.kiln.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig.BlueGreen;
import dev.kiln.common.config.KilnConfig.Colour;
import dev.kiln.common.config.KilnConfig.Role;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a role's {@code blueGreen} block: the listener and the two colours (well-formed ARNs of one region and
 * account, two different groups and target groups), the preview's CIDRs, the smoke checks, the approval, the
 * switch's steps and the rollback window. Whether the listener, groups and target groups exist is asked of
 * AWS when a release starts.
 */
final class BlueGreenReader extends DocumentReader {

    /** An Application Load Balancer listener; only its rules can match a request's source address. */
    static final Pattern LISTENER = Pattern.compile(
            "arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):([0-9]{12}):listener/app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}/[0-9a-f]{16}");
    static final Pattern TARGET_GROUP = Pattern.compile(
            "arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):([0-9]{12}):targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}");
    private static final Pattern TOPIC = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}");
    /** Auto Scaling's own rule for a group's name: ASCII 33 to 126, at most 255. */
    private static final Pattern GROUP = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})/([0-9]{1,2})");
    private static final Pattern IPV6 = Pattern.compile("([0-9A-Fa-f:]{2,39})/([0-9]{1,3})");
    /** An Application Load Balancer rule holds at most five condition values. */
    static final int MAX_PREVIEW_CIDRS = 5;
    static final int MAX_ALARMS = 10;

    BlueGreenReader(List<String> problems) {
        super(problems);
    }

    BlueGreen blueGreen(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.add(path + ": must be an object");
            return null;
        }
        allowOnly(node, path, "listenerArn", "blue", "green", "readyTimeoutMinutes", "previewCidrs", "smokeChecks", "smokeTimeoutSeconds",
                "approval", "switch", "keepOldMinutes", "afterBake");
        String listener = listener(node, path);
        Colour blue = colour(node, path, "blue");
        Colour green = colour(node, path, "green");
        if (blue != null && green != null) {
            if (blue.group().equals(green.group())) {
                problems.add(path + ": blue and green share the group '" + blue.group() + "': each colour needs its own");
            }
            if (blue.targetGroupArn().equals(green.targetGroupArn())) {
                problems.add(path + ": blue and green share the target group " + blue.targetGroupArn()
                        + ": each colour needs its own");
            }
        }
        for (Colour colour : new Colour[] {blue, green}) {
            if (listener != null && colour != null) {
                sameRegionAndAccount(path + "." + colour.name() + ".targetGroupArn", listener, colour.targetGroupArn());
            }
        }
        List<String> cidrs = previewCidrs(node, path + ".previewCidrs");
        List<String> smokeChecks = node.has("smokeChecks")
                ? texts(node, path + ".smokeChecks", "smokeChecks", ConfigReader.COMMAND, "shell commands") : List.of();
        int smokeTimeout = number(node, path, "smokeTimeoutSeconds", 300, 10, 3600);

        JsonNode approval = part(node, path, "approval");
        allowOnly(approval, path + ".approval", "topicArn", "timeoutMinutes");
        String topic = approval.has("topicArn")
                ? text(approval, path + ".approval.topicArn", "topicArn", TOPIC, "an SNS topic ARN") : null;
        int approvalTimeout = number(approval, path + ".approval", "timeoutMinutes", 240, 1, 7 * 24 * 60);

        JsonNode switching = part(node, path, "switch");
        allowOnly(switching, path + ".switch", "steps", "pauseMinutes", "alarms");
        List<Integer> steps = steps(switching, path + ".switch.steps");
        int pause = number(switching, path + ".switch", "pauseMinutes", 5, 0, 60);
        List<String> alarms = switching.has("alarms")
                ? texts(switching, path + ".switch.alarms", "alarms", ConfigReader.ALARM_NAME, "CloudWatch alarm names") : List.of();
        if (alarms.size() > MAX_ALARMS) {
            problems.add(path + ".switch.alarms: at most " + MAX_ALARMS + " alarms, got " + alarms.size());
        }
        int ready = number(node, path, "readyTimeoutMinutes", 30, 1, 240);
        int keepOld = number(node, path, "keepOldMinutes", 60, 0, 24 * 60);
        boolean afterBake = bool(node, path + ".afterBake", "afterBake", false);
        if (listener == null || blue == null || green == null) {
            return null; // its problems are said
        }
        return new BlueGreen(listener, blue, green, ready, cidrs, smokeChecks, smokeTimeout, topic, approvalTimeout, steps,
                pause, alarms, keepOld, afterBake);
    }

    /** No listener, group or target group may serve two roles: each role's release switches its listener's default action. */
    void checkAcrossRoles(List<Role> roles) {
        Map<String, String> owners = new HashMap<>();
        for (Role role : roles) {
            BlueGreen blueGreen = role.blueGreen();
            if (blueGreen == null || role.name() == null) {
                continue;
            }
            List<String> resources = new ArrayList<>();
            resources.add(blueGreen.listenerArn());
            for (Colour colour : blueGreen.colours()) {
                resources.add(colour.group());
                resources.add(colour.targetGroupArn());
            }
            for (String resource : resources.stream().distinct().toList()) {
                String owner = owners.putIfAbsent(resource, role.name());
                if (owner != null && !owner.equals(role.name())) {
                    problems.add("role " + role.name() + ": blueGreen uses " + resource + ", which role " + owner
                            + "'s blueGreen uses too: each role needs its own listener, groups and target groups");
                }
            }
        }
    }

    private JsonNode part(JsonNode node, String path, String field) {
        JsonNode part = node.get(field);
        if (part != null && !part.isObject()) {
            problems.add(path + "." + field + ": must be an object");
        }
        return part != null && part.isObject() ? part : Json.MAPPER.createObjectNode();
    }

    private String listener(JsonNode node, String path) {
        JsonNode value = node.get("listenerArn");
        if (value != null && value.isTextual() && value.asText().contains(":listener/net/")) {
            problems.add(path + ".listenerArn: " + value.asText() + " is a Network Load Balancer's listener, which has no"
                    + " rules to preview with: blue/green needs an Application Load Balancer listener");
            return null;
        }
        return text(node, path + ".listenerArn", "listenerArn", LISTENER,
                "an Application Load Balancer listener ARN (arn:aws:elasticloadbalancing:<region>:<account>:listener/app/...)");
    }

    private Colour colour(JsonNode parent, String path, String name) {
        JsonNode node = parent.get(name);
        String where = path + "." + name;
        if (node == null || !node.isObject()) {
            problems.add(where + ": must be an object with group and targetGroupArn");
            return null;
        }
        allowOnly(node, where, "group", "targetGroupArn");
        String group = text(node, where + ".group", "group", GROUP, "an Auto Scaling group name");
        String targetGroup = text(node, where + ".targetGroupArn", "targetGroupArn", TARGET_GROUP,
                "a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)");
        return group == null || targetGroup == null ? null : new Colour(name, group, targetGroup);
    }

    private void sameRegionAndAccount(String path, String listener, String targetGroup) {
        Matcher l = LISTENER.matcher(listener);
        Matcher t = TARGET_GROUP.matcher(targetGroup);
        if (l.matches() && t.matches() && !(l.group(1).equals(t.group(1)) && l.group(2).equals(t.group(2)))) {
            problems.add(path + ": the target group is in " + t.group(1) + " of account " + t.group(2) + ", the listener in "
                    + l.group(1) + " of account " + l.group(2) + ": a listener forwards only to its own region and account");
        }
    }

    private List<String> previewCidrs(JsonNode node, String path) {
        List<String> cidrs = texts(node, path, "previewCidrs", Pattern.compile(".+"), "CIDRs such as 203.0.113.10/32");
        if (cidrs.size() > MAX_PREVIEW_CIDRS) {
            problems.add(path + ": an Application Load Balancer rule matches at most " + MAX_PREVIEW_CIDRS
                    + " source addresses, got " + cidrs.size());
        }
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < cidrs.size(); i++) {
            String problem = Cidr.problem(cidrs.get(i));
            if (problem != null) {
                problems.add(path + "[" + i + "]: " + problem);
            } else {
                valid.add(cidrs.get(i));
            }
        }
        return valid.stream().distinct().toList();
    }

    private List<Integer> steps(JsonNode node, String path) {
        JsonNode value = node.get("steps");
        if (value == null) {
            return List.of(100);
        }
        if (!value.isArray() || value.isEmpty()) {
            problems.add(path + ": must be a non-empty list of percentages ending with 100, e.g. [10, 50, 100]");
            return List.of(100);
        }
        List<Integer> steps = new ArrayList<>();
        for (JsonNode step : value) {
            if (!step.isInt() || step.asInt() < 1 || step.asInt() > 100) {
                problems.add(path + ": " + step + " is not a percentage from 1 to 100");
                return List.of(100);
            }
            if (!steps.isEmpty() && step.asInt() <= steps.get(steps.size() - 1)) {
                problems.add(path + ": each step must send more than the one before, got " + value);
                return List.of(100);
            }
            steps.add(step.asInt());
        }
        if (steps.get(steps.size() - 1) != 100) {
            problems.add(path + ": the last step must send 100 percent to the new colour, got " + value);
            return List.of(100);
        }
        return steps;
    }

    /** A source-ip value of a listener rule: an IPv4 or IPv6 CIDR with no host bits set, narrower than everyone. */
    static final class Cidr {

        private Cidr() {
        }

        /** What is wrong with {@code text} as a preview CIDR; null when nothing is. */
        static String problem(String text) {
            Matcher v4 = IPV4.matcher(text);
            if (v4.matches()) {
                long address = 0;
                for (int i = 1; i <= 4; i++) {
                    int octet = Integer.parseInt(v4.group(i));
                    if (octet > 255) {
                        return "'" + text + "' is not a CIDR: " + octet + " is not a number from 0 to 255";
                    }
                    address = address << 8 | octet;
                }
                return bits(text, BigInteger.valueOf(address), Integer.parseInt(v4.group(5)), 32);
            }
            Matcher v6 = IPV6.matcher(text);
            if (v6.matches() && v6.group(1).contains(":")) {
                try {
                    byte[] bytes = InetAddress.getByName(v6.group(1)).getAddress();
                    if (bytes.length == 16) {
                        return bits(text, new BigInteger(1, bytes), Integer.parseInt(v6.group(2)), 128);
                    }
                } catch (UnknownHostException e) {
                    // not an IPv6 literal: said below
                }
            }
            return "'" + text + "' is not a CIDR such as 203.0.113.10/32 or 2001:db8::/56";
        }

        private static String bits(String text, BigInteger address, int prefix, int width) {
            if (prefix > width) {
                return "'" + text + "' is not a CIDR: the prefix length is at most " + width;
            }
            if (prefix == 0) {
                return "'" + text + "' lets everyone see the preview: give the office's addresses";
            }
            BigInteger hostMask = BigInteger.ONE.shiftLeft(width - prefix).subtract(BigInteger.ONE);
            if (address.and(hostMask).signum() != 0) {
                BigInteger network = address.andNot(hostMask);
                return "'" + text + "' has host bits set: the network is " + format(network, width) + "/" + prefix;
            }
            return null;
        }

        private static String format(BigInteger address, int width) {
            try {
                byte[] raw = address.toByteArray();
                byte[] bytes = new byte[width / 8];
                int copy = Math.min(raw.length, bytes.length);
                System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
                return InetAddress.getByAddress(bytes).getHostAddress();
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
