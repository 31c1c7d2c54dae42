package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.release.Release;
import dev.kiln.infra.Synthesized;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The example fleet's role web in the local cloud, for the tests of its launches and releases: its release
 * (examples/releases/web, packed and uploaded), its instance profile, and images made the way a bake makes them.
 */
final class WebFleet {

    static final String BASE_IMAGE = "ami-0bb7267a511c0a8e8";
    /** An image's commands that install nginx and enable it, as the example's web playbook does. */
    static final List<String> NGINX = List.of("set -euo pipefail", "dnf install -y nginx", "systemctl enable nginx");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());
    private static final SsmClient SSM = LocalCloud.client(SsmClient.builder());
    private static final S3Client S3 = LocalCloud.client(S3Client.builder());
    private static final IamClient IAM = LocalCloud.client(IamClient.builder());

    private WebFleet() {
    }

    /** examples/releases/web, packed and uploaded as {@code releases/web/<name>-<sha12>.tar.gz}: a release of that version. */
    static Release release(String name, String version) throws Exception {
        return release(name, version, S3, LocalCloud.stackOutput("ArtifactBucketName"));
    }

    /** The same, uploaded with {@code s3} into {@code bucket}: a member account's release in its member stack's bucket. */
    static Release release(String name, String version, S3Client s3, String bucket) throws Exception {
        return release(name, version, Synthesized.layout().root().resolve("examples/releases/web"), s3, bucket);
    }

    /**
     * examples/releases/web with another home page (site/index.html): a release whose site is broken, say, and
     * whose install still works.
     */
    static Release release(String name, String version, String homePage) throws Exception {
        Path copy = Files.createTempDirectory("kiln-web-release-source");
        Path example = Synthesized.layout().root().resolve("examples/releases/web");
        try (var files = Files.walk(example)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(example.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Files.writeString(copy.resolve("site/index.html"), homePage);
        return release(name, version, copy, S3, LocalCloud.stackOutput("ArtifactBucketName"));
    }

    private static Release release(String name, String version, Path directory, S3Client s3, String bucket) throws Exception {
        Path tarball = Files.createTempDirectory("kiln-web-release").resolve("web.tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", tarball.toString(), "-C", directory.toString(), ".").inheritIO().start();
        assertThat(tar.waitFor()).as("tar").isZero();
        byte[] bytes = Files.readAllBytes(tarball);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        String key = "releases/web/" + name + "-" + sha256.substring(0, 12) + ".tar.gz";
        s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
        return new Release("web", version, "s3://" + bucket + "/" + key, sha256, null);
    }

    /** Writes /kiln/releases/web by hand, as a person could: without the release function's checks. */
    static void putRelease(Release release) {
        SSM.putParameter(r -> r.name("/kiln/releases/web").type(ParameterType.STRING).overwrite(true).value(
                JSON.createObjectNode().put("role", "web").put("version", release.version())
                        .put("artifact", release.artifact()).put("sha256", release.sha256()).toString()));
    }

    /** The web fleet's instance profile, with Kiln's fleet instance policy for web and nothing else: its ARN. */
    static String instanceProfile() {
        String name = "kiln-it-web-fleet";
        if (IAM.listInstanceProfiles().instanceProfiles().stream().noneMatch(p -> p.instanceProfileName().equals(name))) {
            IAM.createRole(r -> r.roleName(name).assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{"
                    + "\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
            IAM.attachRolePolicy(r -> r.roleName(name).policyArn(LocalCloud.stackOutput("FleetInstancePolicyArnWeb")));
            IAM.createInstanceProfile(r -> r.instanceProfileName(name));
            IAM.addRoleToInstanceProfile(r -> r.instanceProfileName(name).roleName(name));
        }
        return IAM.getInstanceProfile(r -> r.instanceProfileName(name)).instanceProfile().arn();
    }

    /** An image made the way a bake makes one: an instance (with the profile) runs the commands, then CreateImage. */
    static String image(String name, List<String> commands, String profileArn) {
        String instance = EC2.runInstances(r -> r.imageId(BASE_IMAGE).instanceType("t4g.small").minCount(1).maxCount(1)
                .iamInstanceProfile(p -> p.arn(profileArn))).instances().get(0).instanceId();
        LocalCloud.await(instance + " online in Systems Manager", Duration.ofSeconds(60), () -> SSM.describeInstanceInformation(
                r -> r.filters(f -> f.key("InstanceIds").values(instance))).instanceInformationList().stream().findFirst());
        String command = SSM.sendCommand(r -> r.documentName("AWS-RunShellScript").instanceIds(instance)
                .parameters(Map.of("commands", commands))).command().commandId();
        var done = LocalCloud.await("the commands of " + name, Duration.ofSeconds(120), () -> Optional.of(
                SSM.getCommandInvocation(r -> r.commandId(command).instanceId(instance)))
                .filter(i -> i.status() != CommandInvocationStatus.IN_PROGRESS && i.status() != CommandInvocationStatus.PENDING));
        assertThat(done.status()).as(done.standardErrorContent()).isEqualTo(CommandInvocationStatus.SUCCESS);
        String image = EC2.createImage(r -> r.instanceId(instance).name(name + "-" + UUID.randomUUID())).imageId();
        EC2.terminateInstances(r -> r.instanceIds(instance));
        return image;
    }
}
