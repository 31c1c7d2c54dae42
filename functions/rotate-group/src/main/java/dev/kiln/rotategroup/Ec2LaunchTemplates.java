package dev.kiln.rotategroup;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.common.Hashes;
import dev.kiln.rotategroup.errors.LaunchTemplateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateLaunchTemplateVersionResponse;
import software.amazon.awssdk.services.ec2.model.DescribeLaunchTemplateVersionsResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;

/** {@link Ports.LaunchTemplates} through EC2's DescribeLaunchTemplateVersions and CreateLaunchTemplateVersion. */
record Ec2LaunchTemplates(Ec2Client ec2) implements Ports.LaunchTemplates {

    private static final Logger LOG = LoggerFactory.getLogger(Ec2LaunchTemplates.class);

    @Override
    public Ports.TemplateVersion describe(Ports.TemplateRef template, String version) {
        String what = "launch template " + template + " version " + version;
        DescribeLaunchTemplateVersionsResponse response;
        try {
            // EC2 takes the id or the name, not both
            response = ec2.describeLaunchTemplateVersions(r -> {
                if (template.id() != null) {
                    r.launchTemplateId(template.id());
                } else {
                    r.launchTemplateName(template.name());
                }
                r.versions(version);
            });
        } catch (Ec2Exception e) {
            throw Ec2Errors.translate(e, what);
        }
        LaunchTemplateVersion found = response.launchTemplateVersions().stream().findFirst()
                .orElseThrow(() -> new LaunchTemplateNotFoundException(what + ": EC2 describes no such version"));
        return new Ports.TemplateVersion(found.launchTemplateId(), found.versionNumber(),
                found.launchTemplateData() == null ? null : found.launchTemplateData().imageId());
    }

    /**
     * The same for the same source version and image: a retried rotate-group (its answer lost) gets back the
     * version it made instead of a second one.
     */
    static String clientToken(Ports.NewVersion version) {
        return Hashes.sha256Hex("kiln-rotate/" + version.launchTemplateId() + "/" + version.sourceVersion() + "/" + version.imageId());
    }

    @Override
    public long create(Ports.NewVersion version) {
        CreateLaunchTemplateVersionResponse response;
        try {
            response = ec2.createLaunchTemplateVersion(r -> r.launchTemplateId(version.launchTemplateId())
                    .sourceVersion(version.sourceVersion())
                    .versionDescription(version.description())
                    .launchTemplateData(d -> d.imageId(version.imageId()))
                    .clientToken(clientToken(version)));
        } catch (Ec2Exception e) {
            throw Ec2Errors.translate(e, "launch template " + version.launchTemplateId() + " (new version from "
                    + version.sourceVersion() + ")");
        }
        if (response.warning() != null && response.warning().hasErrors()) {
            // EC2 creates the version anyway; a launch from it would fail the refresh, which rolls back
            response.warning().errors().forEach(w -> LOG.warn("EC2 warns about the new launch template version",
                    entry("launchTemplateId", version.launchTemplateId()),
                    entry("version", response.launchTemplateVersion().versionNumber()),
                    entry("code", w.code()), entry("message", w.message())));
        }
        return response.launchTemplateVersion().versionNumber();
    }
}
