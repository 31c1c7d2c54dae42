package dev.kiln.rotategroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.rotategroup.errors.Ec2ThrottledException;
import dev.kiln.rotategroup.errors.LaunchTemplateNotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateLaunchTemplateVersionRequest;
import software.amazon.awssdk.services.ec2.model.CreateLaunchTemplateVersionResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeLaunchTemplateVersionsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeLaunchTemplateVersionsResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.ResponseLaunchTemplateData;

class Ec2AdaptersTest {

    private static final String LT = "lt-0a1b2c3d4e5f60718";
    private static final String AMI = "ami-0c1d2e3f4a5b6c7d8";

    /** An EC2 client that answers from scripts and keeps every request it is sent. */
    private static final class RecordingEc2 implements Ec2Client {
        final List<Object> requests = new ArrayList<>();
        Function<DescribeLaunchTemplateVersionsRequest, DescribeLaunchTemplateVersionsResponse> versions;
        Function<CreateLaunchTemplateVersionRequest, CreateLaunchTemplateVersionResponse> create;
        Function<DescribeInstancesRequest, DescribeInstancesResponse> instances;

        @Override
        public DescribeLaunchTemplateVersionsResponse describeLaunchTemplateVersions(DescribeLaunchTemplateVersionsRequest request) {
            requests.add(request);
            return versions.apply(request);
        }

        @Override
        public CreateLaunchTemplateVersionResponse createLaunchTemplateVersion(CreateLaunchTemplateVersionRequest request) {
            requests.add(request);
            return create.apply(request);
        }

        @Override
        public DescribeInstancesResponse describeInstances(DescribeInstancesRequest request) {
            // the paginator marks its requests in their override configuration (user agent); what EC2 is asked is the rest
            requests.add(request.toBuilder().overrideConfiguration((AwsRequestOverrideConfiguration) null).build());
            return instances.apply(request);
        }

        @Override public String serviceName() { return "ec2"; }
        @Override public void close() { }
    }

    private final RecordingEc2 ec2 = new RecordingEc2();

    private static DescribeLaunchTemplateVersionsResponse version(long number, String imageId) {
        return DescribeLaunchTemplateVersionsResponse.builder().launchTemplateVersions(LaunchTemplateVersion.builder()
                .launchTemplateId(LT).launchTemplateName("web-template").versionNumber(number).defaultVersion(false)
                .launchTemplateData(ResponseLaunchTemplateData.builder().imageId(imageId).instanceType("t4g.large").build())
                .build()).build();
    }

    private static Ec2Exception ec2Error(int status, String code, String message) {
        return (Ec2Exception) Ec2Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("Ec2").build())
                .build();
    }

    @Test
    void shouldDescribeTheGroupsVersionByTemplateIdWhenTheGroupGivesTheId() {
        ec2.versions = r -> version(7, AMI);

        Ports.TemplateVersion found = new Ec2LaunchTemplates(ec2).describe(new Ports.TemplateRef(LT, "web-template"), "$Default");

        assertThat(ec2.requests).containsExactly(DescribeLaunchTemplateVersionsRequest.builder()
                .launchTemplateId(LT).versions("$Default").build());
        assertThat(found).isEqualTo(new Ports.TemplateVersion(LT, 7, AMI));
    }

    @Test
    void shouldDescribeTheGroupsVersionByNameWhenTheGroupGivesOnlyTheName() {
        ec2.versions = r -> version(3, AMI);

        Ports.TemplateVersion found = new Ec2LaunchTemplates(ec2).describe(new Ports.TemplateRef(null, "web-template"), "3");

        assertThat(ec2.requests).containsExactly(DescribeLaunchTemplateVersionsRequest.builder()
                .launchTemplateName("web-template").versions("3").build());
        assertThat(found).isEqualTo(new Ports.TemplateVersion(LT, 3, AMI));
    }

    @Test
    void shouldReadAVersionThatSetsNoImageAsHavingNone() {
        ec2.versions = r -> DescribeLaunchTemplateVersionsResponse.builder().launchTemplateVersions(LaunchTemplateVersion.builder()
                .launchTemplateId(LT).versionNumber(2L)
                .launchTemplateData(ResponseLaunchTemplateData.builder().instanceType("t4g.large").build()).build()).build();

        assertThat(new Ec2LaunchTemplates(ec2).describe(new Ports.TemplateRef(LT, null), "2"))
                .isEqualTo(new Ports.TemplateVersion(LT, 2, null));
    }

    @Test
    void shouldCreateAVersionFromTheSourceVersionChangingOnlyTheImage() {
        ec2.create = r -> CreateLaunchTemplateVersionResponse.builder().launchTemplateVersion(LaunchTemplateVersion.builder()
                .launchTemplateId(LT).versionNumber(8L).build()).build();

        long created = new Ec2LaunchTemplates(ec2).create(new Ports.NewVersion(LT, "7", "Kiln rotate: web on " + AMI, AMI));

        assertThat(ec2.requests).containsExactly(CreateLaunchTemplateVersionRequest.builder()
                .launchTemplateId(LT).sourceVersion("7").versionDescription("Kiln rotate: web on " + AMI)
                .launchTemplateData(RequestLaunchTemplateData.builder().imageId(AMI).build())
                .clientToken(Ec2LaunchTemplates.clientToken(new Ports.NewVersion(LT, "7", "Kiln rotate: web on " + AMI, AMI)))
                .build());
        assertThat(created).isEqualTo(8);
    }

    @Test
    void shouldAskForAVersionOfTheSameSourceAndImageWithTheSameClientTokenSoARetryMakesNoSecondVersion() {
        Ports.NewVersion version = new Ports.NewVersion(LT, "7", "Kiln rotate: web on " + AMI, AMI);

        assertThat(Ec2LaunchTemplates.clientToken(version))
                .isEqualTo(Ec2LaunchTemplates.clientToken(new Ports.NewVersion(LT, "7", "Kiln rotate: web on " + AMI, AMI)))
                .isNotEqualTo(Ec2LaunchTemplates.clientToken(new Ports.NewVersion(LT, "8", "Kiln rotate: web on " + AMI, AMI)))
                .isNotEqualTo(Ec2LaunchTemplates.clientToken(new Ports.NewVersion(LT, "7", "Kiln rotate: web on ami-1", "ami-1")))
                .hasSizeLessThanOrEqualTo(64);
    }

    @Test
    void shouldReadEveryPageOfTheGroupsPendingAndRunningInstances() {
        Instant launched = Instant.parse("2026-11-22T11:00:00Z");
        ec2.instances = r -> r.nextToken() == null
                ? DescribeInstancesResponse.builder().nextToken("page-2").reservations(Reservation.builder().instances(
                        Instance.builder().instanceId("i-0123456789abcdef0").imageId(AMI).launchTime(launched).build()).build()).build()
                : DescribeInstancesResponse.builder().reservations(Reservation.builder().instances(
                        Instance.builder().instanceId("i-0123456789abcdef1").imageId(AMI).launchTime(launched).build()).build()).build();

        List<Ports.RunningInstance> found = new Ec2GroupInstances(ec2).of("web-blue");

        List<Filter> filters = List.of(
                Filter.builder().name("tag:aws:autoscaling:groupName").values("web-blue").build(),
                Filter.builder().name("instance-state-name").values("pending", "running").build());
        assertThat(ec2.requests).containsExactly(
                DescribeInstancesRequest.builder().filters(filters).build(),
                DescribeInstancesRequest.builder().filters(filters).nextToken("page-2").build());
        assertThat(found).containsExactly(
                new Ports.RunningInstance("i-0123456789abcdef0", AMI, launched),
                new Ports.RunningInstance("i-0123456789abcdef1", AMI, launched));
    }

    @Test
    void shouldTurnAMissingTemplateIntoATypedError() {
        ec2.versions = r -> {
            throw ec2Error(400, "InvalidLaunchTemplateId.NotFound",
                    "The specified launch template, with template ID lt-0a1b2c3d4e5f60718, does not exist.");
        };

        assertThatThrownBy(() -> new Ec2LaunchTemplates(ec2).describe(new Ports.TemplateRef(LT, null), "7"))
                .isInstanceOf(LaunchTemplateNotFoundException.class)
                .hasMessage("launch template " + LT + " version 7: InvalidLaunchTemplateId.NotFound: "
                        + "The specified launch template, with template ID lt-0a1b2c3d4e5f60718, does not exist.");
    }

    @Test
    void shouldTurnAMissingVersionIntoATypedError() {
        ec2.versions = r -> DescribeLaunchTemplateVersionsResponse.builder().build();

        assertThatThrownBy(() -> new Ec2LaunchTemplates(ec2).describe(new Ports.TemplateRef(LT, null), "41"))
                .isInstanceOf(LaunchTemplateNotFoundException.class)
                .hasMessage("launch template " + LT + " version 41: EC2 describes no such version");
    }

    @Test
    void shouldTurnThrottlingIntoATypedErrorTheStateMachineRetries() {
        ec2.instances = r -> {
            throw ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.");
        };

        assertThatThrownBy(() -> new Ec2GroupInstances(ec2).of("web-blue"))
                .isInstanceOf(Ec2ThrottledException.class)
                .hasMessage("the instances of web-blue: EC2 is throttling requests (RequestLimitExceeded)")
                .hasCauseInstanceOf(Ec2Exception.class);
    }

    @Test
    void shouldLetAnyOtherEc2ErrorThroughAsItIs() {
        Ec2Exception denied = ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.");
        ec2.create = r -> {
            throw denied;
        };

        assertThatThrownBy(() -> new Ec2LaunchTemplates(ec2).create(new Ports.NewVersion(LT, "7", "Kiln rotate: web on " + AMI, AMI)))
                .isSameAs(denied);
    }
}
