package dev.kiln.common.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig.AmazonLinux;
import dev.kiln.common.config.KilnConfig.BlueGreen;
import dev.kiln.common.config.KilnConfig.BuilderSettings;
import dev.kiln.common.config.KilnConfig.Colour;
import dev.kiln.common.config.KilnConfig.Distribution;
import dev.kiln.common.config.KilnConfig.DistributionTarget;
import dev.kiln.common.config.KilnConfig.HealthCheck;
import dev.kiln.common.config.KilnConfig.Advisories;
import dev.kiln.common.config.KilnConfig.ParentRole;
import dev.kiln.common.config.KilnConfig.Repository;
import dev.kiln.common.config.KilnConfig.Role;
import dev.kiln.common.config.KilnConfig.Rotation;

/** Writes the normalized document: defaults filled in, each role's builder settings merged. */
final class ConfigWriter {

    private ConfigWriter() {
    }

    /** The normalized document: what {@link #read} gives back for the same configuration. */
    static String write(KilnConfig config) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        Repository repository = config.repository();
        root.putObject("repository").put("owner", repository.owner()).put("name", repository.name())
                .put("branch", repository.branch()).put("apiUrl", repository.apiUrl());
        writeBuilder(root.putObject("builder"), config.builder(), true);
        ArrayNode roles = root.putArray("roles");
        for (Role role : config.roles()) {
            ObjectNode node = roles.addObject().put("name", role.name());
            switch (role.parent()) {
                case AmazonLinux al -> node.putObject("parent").put("amazonLinux", al.version()).put("architecture", al.architecture());
                case ParentRole parent -> node.putObject("parent").put("role", parent.role());
            }
            node.put("playbook", role.playbook()).put("tests", role.tests());
            role.watch().forEach(node.putArray("watch")::add);
            writeBuilder(node.putObject("builder"), role.builder(), false);
            ObjectNode deploy = node.putObject("deploy");
            if (role.deploy().service() != null) {
                deploy.put("service", role.deploy().service());
            }
            HealthCheck health = role.deploy().healthCheck();
            if (health != null) {
                deploy.putObject("healthCheck").put("url", health.url()).put("attempts", health.attempts())
                        .put("intervalSeconds", health.intervalSeconds());
            }
            deploy.put("timeoutMinutes", role.deploy().timeoutMinutes());
            ObjectNode drain = node.putObject("drain");
            if (role.drain().command() != null) {
                drain.put("command", role.drain().command());
            }
            if (role.drain().flushCommand() != null) {
                drain.put("flushCommand", role.drain().flushCommand());
            }
            drain.put("timeoutSeconds", role.drain().timeoutSeconds());
            if (role.blueGreen() != null) {
                writeBlueGreen(node.putObject("blueGreen"), role.blueGreen());
            }
        }
        root.putObject("retention").put("keepImages", config.retention().keepImages())
                .put("dryRun", config.retention().dryRun());
        Advisories advisories = config.advisories();
        ObjectNode advisoriesNode = root.putObject("advisories").put("siteUrl", advisories.siteUrl());
        advisories.feeds().forEach(advisoriesNode.putArray("feeds")::add);
        advisoriesNode.put("everyMinutes", advisories.everyMinutes());
        advisories.immediate().forEach(advisoriesNode.putArray("immediate")::add);
        advisoriesNode.put("baseline", advisories.baseline());
        Rotation rotation = config.rotation();
        ObjectNode rotationNode = root.putObject("rotation").put("schedule", rotation.schedule())
                .put("timeZone", rotation.timeZone()).put("enabled", rotation.enabled())
                .put("maxConcurrency", rotation.maxConcurrency()).put("maxAgeHours", rotation.maxAgeHours())
                .put("minHealthyPercentage", rotation.minHealthyPercentage());
        if (rotation.maxHealthyPercentage() != null) {
            rotationNode.put("maxHealthyPercentage", rotation.maxHealthyPercentage());
        }
        rotationNode.put("instanceWarmupSeconds", rotation.instanceWarmupSeconds()).put("autoRollback", rotation.autoRollback());
        if (!rotation.alarms().isEmpty()) {
            rotation.alarms().forEach(rotationNode.putArray("alarms")::add);
        }
        rotationNode.put("pollSeconds", rotation.pollSeconds()).put("deadlineMinutes", rotation.deadlineMinutes());
        ArrayNode windows = rotationNode.putArray("freezeWindows");
        rotation.freezeWindows().forEach(w -> windows.addObject().put("start", w.start().toString())
                .put("end", w.end().toString()).put("reason", w.reason()));
        rotationNode.put("securityHonoursFreeze", rotation.securityHonoursFreeze());
        root.putObject("rebuild").put("schedule", config.rebuild().schedule()).put("timeZone", config.rebuild().timeZone())
                .put("enabled", config.rebuild().enabled());
        root.putObject("concurrency").put("webhook", config.concurrency().webhook())
                .put("lifecycle", config.concurrency().lifecycle());
        root.putObject("launchFailures").put("suspendAfter", config.launchFailures().suspendAfter())
                .put("windowMinutes", config.launchFailures().windowMinutes());
        if (!config.distribution().isEmpty()) {
            writeDistribution(root.putObject("distribution"), config.distribution());
        }
        ObjectNode notifications = root.putObject("notifications");
        if (!config.notifications().emails().isEmpty()) {
            config.notifications().emails().forEach(notifications.putArray("emails")::add);
        }
        return root.toString();
    }

    private static void writeDistribution(ObjectNode node, Distribution distribution) {
        ArrayNode targets = node.putArray("targets");
        for (DistributionTarget target : distribution.targets()) {
            ObjectNode entry = targets.addObject();
            target.regions().forEach(entry.putArray("regions")::add);
            if (!target.accounts().isEmpty()) {
                target.accounts().forEach(entry.putArray("accounts")::add);
            }
            if (!target.organizationalUnits().isEmpty()) {
                target.organizationalUnits().forEach(entry.putArray("organizationalUnits")::add);
            }
            if (!target.roles().isEmpty()) {
                target.roles().forEach(entry.putArray("roles")::add);
            }
        }
        ObjectNode keys = node.putObject("kmsKeys");
        distribution.kmsKeys().forEach(keys::put);
        if (!distribution.rotations().isEmpty()) {
            ObjectNode rotations = node.putObject("rotation");
            distribution.rotations().forEach((region, rotation) -> {
                ObjectNode entry = rotations.putObject(region);
                if (rotation.schedule() != null) {
                    entry.put("schedule", rotation.schedule());
                }
                if (rotation.timeZone() != null) {
                    entry.put("timeZone", rotation.timeZone());
                }
            });
        }
    }

    private static void writeBlueGreen(ObjectNode node, BlueGreen blueGreen) {
        node.put("listenerArn", blueGreen.listenerArn());
        for (Colour colour : blueGreen.colours()) {
            node.putObject(colour.name()).put("group", colour.group()).put("targetGroupArn", colour.targetGroupArn());
        }
        node.put("readyTimeoutMinutes", blueGreen.readyTimeoutMinutes());
        blueGreen.previewCidrs().forEach(node.putArray("previewCidrs")::add);
        if (!blueGreen.smokeChecks().isEmpty()) {
            blueGreen.smokeChecks().forEach(node.putArray("smokeChecks")::add);
        }
        node.put("smokeTimeoutSeconds", blueGreen.smokeTimeoutSeconds());
        ObjectNode approval = node.putObject("approval");
        if (blueGreen.approversTopicArn() != null) {
            approval.put("topicArn", blueGreen.approversTopicArn());
        }
        approval.put("timeoutMinutes", blueGreen.approvalTimeoutMinutes());
        ObjectNode switching = node.putObject("switch");
        blueGreen.switchSteps().forEach(switching.putArray("steps")::add);
        switching.put("pauseMinutes", blueGreen.stepPauseMinutes());
        if (!blueGreen.alarms().isEmpty()) {
            blueGreen.alarms().forEach(switching.putArray("alarms")::add);
        }
        node.put("keepOldMinutes", blueGreen.keepOldMinutes()).put("afterBake", blueGreen.afterBake());
    }

    // a role's builder runs in the top-level VPC; only the top level names it
    private static void writeBuilder(ObjectNode node, BuilderSettings builder, boolean topLevel) {
        if (topLevel) {
            node.put("vpcId", builder.vpcId());
        }
        builder.subnetIds().forEach(node.putArray("subnetIds")::add);
        builder.instanceTypes().forEach(node.putArray("instanceTypes")::add);
        node.put("volumeSizeGiB", builder.volumeSizeGiB())
                .put("ssmTimeoutMinutes", builder.ssmTimeoutMinutes())
                .put("commandTimeoutMinutes", builder.commandTimeoutMinutes())
                .put("imageTimeoutMinutes", builder.imageTimeoutMinutes())
                .put("keepOnFailureHours", builder.keepOnFailureHours())
                .put("pollSeconds", builder.pollSeconds());
    }
}
