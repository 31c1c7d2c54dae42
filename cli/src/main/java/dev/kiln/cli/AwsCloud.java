package dev.kiln.cli;

import dev.kiln.common.Regional;
import dev.kiln.common.bake.CurrentImages;
import dev.kiln.common.distribution.MemberAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Filter;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The command line's AWS: the standard credential and region chain, and AWS_ENDPOINT_URL when it is set
 * (the SDK reads it), so the same command works against the local cloud. Clients are made when first used.
 */
final class AwsCloud implements Cloud {

    private final Supplier<CloudFormationClient> cloudFormation = once(() -> CloudFormationClient.builder().httpClient(http()).build());
    private final Supplier<SsmClient> ssm = once(() -> SsmClient.builder().httpClient(http()).build());
    private final Supplier<SfnClient> sfn = once(() -> SfnClient.builder().httpClient(http()).build());
    private final Supplier<LambdaClient> lambda = once(() -> LambdaClient.builder().httpClient(http()).build());
    private final Supplier<DynamoDbClient> dynamo = once(() -> DynamoDbClient.builder().httpClient(http()).build());
    private final Supplier<AutoScalingClient> autoScaling = once(() -> AutoScalingClient.builder().httpClient(http()).build());
    private final Supplier<Ec2Client> ec2 = once(() -> Ec2Client.builder().httpClient(http()).build());
    /** Path-style addressing when an endpoint is named (the local cloud, an S3-compatible store): bucket.host may not resolve. */
    private final Supplier<S3Client> s3 = once(() -> S3Client.builder().httpClient(http())
            .forcePathStyle(System.getenv("AWS_ENDPOINT_URL") != null || System.getenv("AWS_ENDPOINT_URL_S3") != null).build());
    private final Regional<Ec2Client> ec2ByRegion = new Regional<>(r -> Ec2Client.builder().httpClient(http()).region(Region.of(r)).build());
    private final Regional<SsmClient> ssmByRegion = new Regional<>(r -> SsmClient.builder().httpClient(http()).region(Region.of(r)).build());
    private final Supplier<StsClient> sts = once(() -> StsClient.builder().httpClient(http()).build());
    private final Supplier<SecretsManagerClient> secrets = once(() -> SecretsManagerClient.builder().httpClient(http()).build());

    @Override
    public Optional<Map<String, String>> outputs(String stack) {
        try {
            return cloudFormation.get().describeStacks(r -> r.stackName(stack)).stacks().stream().findFirst()
                    .map(s -> s.outputs().stream().collect(Collectors.toMap(Output::outputKey, Output::outputValue)));
        } catch (CloudFormationException e) {
            if (e.statusCode() == 400 && String.valueOf(e.getMessage()).contains("does not exist")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<String> parameter(String region, String name) {
        try {
            return Optional.of(ssmByRegion.in(region).getParameter(r -> r.name(name)).parameter().value());
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> memberParameter(String hubArn, String deployment, String account, String region, String name) {
        String[] hub = hubArn.split(":");
        Credentials session = sts.get().assumeRole(r -> r.roleArn(MemberAccess.roleArn(hub[1], account, deployment, region))
                .externalId(MemberAccess.externalId(deployment, hub[4])).roleSessionName("kiln-cli").durationSeconds(900))
                .credentials();
        try (SsmClient member = SsmClient.builder().httpClient(http()).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        session.accessKeyId(), session.secretAccessKey(), session.sessionToken()))).build()) {
            // the member's role reads its pointers by path, as retention does
            String path = name.substring(0, name.lastIndexOf('/'));
            return member.getParametersByPathPaginator(r -> r.path(path)).stream().flatMap(page -> page.parameters().stream())
                    .filter(p -> p.name().equals(name)).map(Parameter::value).findFirst();
        }
    }

    @Override
    public Optional<ImageCopy> imageCopy(String region, String sourceImageId) {
        return ec2ByRegion.in(region).describeImages(r -> r.filters(f -> f.name("tag:kiln:source-image").values(sourceImageId))).images().stream()
                .max(Comparator.comparing(Image::creationDate))
                .map(image -> new ImageCopy(image.imageId(), image.stateAsString()));
    }

    @Override
    public Optional<String> parameter(String name) {
        try {
            return Optional.of(ssm.get().getParameter(r -> r.name(name)).parameter().value());
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public String start(String stateMachineArn, String name, String input) {
        return sfn.get().startExecution(r -> r.stateMachineArn(stateMachineArn).name(name).input(input)).executionArn();
    }

    @Override
    public Execution describe(String executionArn) {
        DescribeExecutionResponse e = sfn.get().describeExecution(r -> r.executionArn(executionArn));
        return new Execution(e.executionArn(), e.statusAsString(), e.input(), e.error(), e.cause(), e.output(), e.startDate(),
                e.stopDate());
    }

    @Override
    public Optional<Execution> find(String executionArn) {
        try {
            return Optional.of(describe(executionArn));
        } catch (ExecutionDoesNotExistException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<Event> history(String executionArn) {
        List<Event> events = new ArrayList<>();
        for (HistoryEvent e : sfn.get().getExecutionHistoryPaginator(r -> r.executionArn(executionArn).maxResults(1000)).events()) {
            String state = e.stateEnteredEventDetails() == null ? null : e.stateEnteredEventDetails().name();
            String[] failure = failure(e);
            String parameters = e.taskScheduledEventDetails() == null ? null : e.taskScheduledEventDetails().parameters();
            events.add(new Event(e.typeAsString(), state, e.timestamp(), failure[0], failure[1], parameters));
        }
        return events;
    }

    @Override
    public Optional<String> secret(String id) {
        try {
            return Optional.ofNullable(secrets.get().getSecretValue(r -> r.secretId(id)).secretString());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<CurrentImages.Current> currentImage(String bakesTable, String role) {
        return new CurrentImages(dynamo.get(), bakesTable).of(role);
    }

    @Override
    public List<Execution> executions(String stateMachineArn, String status, int most) {
        return sfn.get().listExecutions(r -> r.stateMachineArn(stateMachineArn).statusFilter(status).maxResults(most)).executions()
                .stream().map(e -> new Execution(e.executionArn(), e.statusAsString(), null, null, null, null, e.startDate(),
                        e.stopDate()))
                .toList();
    }

    /** The error and cause of an event that carries them, else two nulls. */
    private static String[] failure(HistoryEvent e) {
        if (e.taskFailedEventDetails() != null) {
            return new String[] {e.taskFailedEventDetails().error(), e.taskFailedEventDetails().cause()};
        }
        if (e.taskTimedOutEventDetails() != null) {
            return new String[] {e.taskTimedOutEventDetails().error(), e.taskTimedOutEventDetails().cause()};
        }
        if (e.lambdaFunctionFailedEventDetails() != null) {
            return new String[] {e.lambdaFunctionFailedEventDetails().error(), e.lambdaFunctionFailedEventDetails().cause()};
        }
        if (e.executionFailedEventDetails() != null) {
            return new String[] {e.executionFailedEventDetails().error(), e.executionFailedEventDetails().cause()};
        }
        return new String[] {null, null};
    }

    @Override
    public Invocation invoke(String functionName, String payload) {
        InvokeResponse answer = lambda.get().invoke(r -> r.functionName(functionName).payload(SdkBytes.fromUtf8String(payload)));
        return new Invocation(answer.functionError() != null, answer.payload().asUtf8String());
    }

    @Override
    public List<Map<String, String>> ledger(String table) {
        List<Map<String, String>> records = new ArrayList<>();
        dynamo.get().scanPaginator(r -> r.tableName(table)
                        .filterExpression("begins_with(#key, :patch) OR (begins_with(#key, :advisory) AND #state <> :baseline)")
                        .expressionAttributeNames(Map.of("#key", "key", "#state", "state"))
                        .expressionAttributeValues(Map.of(":patch", AttributeValue.fromS("patch#"),
                                ":advisory", AttributeValue.fromS("advisory#"), ":baseline", AttributeValue.fromS("BASELINE"))))
                .items().forEach(item -> {
                    Map<String, String> record = new HashMap<>();
                    item.forEach((name, value) -> record.put(name, text(value)));
                    records.add(record);
                });
        return records;
    }

    @Override
    public List<String> imageAdvisories(String imagesTable, String imageId) {
        Map<String, AttributeValue> item = dynamo.get().getItem(r -> r.tableName(imagesTable)
                .key(Map.of("imageId", AttributeValue.fromS(imageId))).projectionExpression("advisories")).item();
        return item == null || !item.containsKey("advisories") ? List.of()
                : item.get("advisories").l().stream().map(AttributeValue::s).toList();
    }

    private static String text(AttributeValue value) {
        return value.s() != null ? value.s() : value.n() != null ? value.n() : value.bool() != null ? value.bool().toString()
                : value.hasSs() ? String.join(", ", value.ss()) : value.hasL() ? value.l().stream().map(AwsCloud::text)
                .collect(Collectors.joining(", ")) : String.valueOf(value);
    }

    @Override
    public Optional<Map<String, String>> objectMetadata(String bucket, String key) {
        try {
            return Optional.of(s3.get().headObject(r -> r.bucket(bucket).key(key)).metadata());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void upload(String bucket, String key, java.nio.file.Path file, Map<String, String> metadata) {
        s3.get().putObject(r -> r.bucket(bucket).key(key).metadata(metadata), file);
    }

    @Override
    public List<String> groupNames() {
        return List.copyOf(tagged(null));
    }

    @Override
    public List<Group> groups(String role) {
        List<String> all = List.copyOf(tagged(role));
        List<Group> groups = new ArrayList<>();
        for (int from = 0; from < all.size(); from += 50) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + 50));
            autoScaling.get().describeAutoScalingGroupsPaginator(r -> r.autoScalingGroupNames(batch).maxRecords(50))
                    .autoScalingGroups().forEach(g -> groups.add(group(g)));
        }
        return groups;
    }

    @Override
    public Optional<Group> group(String name) {
        return autoScaling.get().describeAutoScalingGroups(r -> r.autoScalingGroupNames(name)).autoScalingGroups().stream()
                .filter(g -> g.tags().stream().anyMatch(t -> t.key().equals("kiln:role"))).findFirst().map(this::group);
    }

    /** The names of the groups tagged kiln:role (=role, when not null). */
    private Set<String> tagged(String role) {
        Set<String> names = new TreeSet<>();
        autoScaling.get().describeTagsPaginator(r -> r.filters(role == null ? List.of(Filter.builder().name("key").values("kiln:role").build())
                        : List.of(Filter.builder().name("key").values("kiln:role").build(), Filter.builder().name("value").values(role).build())))
                .tags().forEach(tag -> names.add(tag.resourceId()));
        return names;
    }

    private Group group(AutoScalingGroup g) {
        Map<String, String> tags = g.tags().stream().collect(Collectors.toMap(TagDescription::key, TagDescription::value, (a, b) -> a));
        LaunchTemplateSpecification spec = g.launchTemplate() != null ? g.launchTemplate()
                : g.mixedInstancesPolicy() != null && g.mixedInstancesPolicy().launchTemplate() != null
                ? g.mixedInstancesPolicy().launchTemplate().launchTemplateSpecification() : null;
        List<String> ids = g.instances().stream().map(Instance::instanceId).toList();
        List<String> images = ids.isEmpty() ? List.of() : ec2.get().describeInstancesPaginator(r -> r.filters(f -> f.name("instance-id")
                        .values(ids))).reservations().stream().map(Reservation::instances).flatMap(List::stream)
                .map(software.amazon.awssdk.services.ec2.model.Instance::imageId).toList();
        if (spec == null) {
            return new Group(g.autoScalingGroupName(), tags, null, null, null, null, images);
        }
        String version = spec.version() == null ? "$Default" : spec.version();
        Optional<LaunchTemplateVersion> resolved = ec2.get().describeLaunchTemplateVersions(r -> r.versions(version)
                        .launchTemplateId(spec.launchTemplateId()).launchTemplateName(spec.launchTemplateId() == null
                                ? spec.launchTemplateName() : null))
                .launchTemplateVersions().stream().findFirst();
        return new Group(g.autoScalingGroupName(), tags, resolved.map(LaunchTemplateVersion::launchTemplateName)
                .orElse(spec.launchTemplateName() != null ? spec.launchTemplateName() : spec.launchTemplateId()), version,
                resolved.map(LaunchTemplateVersion::versionNumber).orElse(null),
                resolved.map(v -> v.launchTemplateData() == null ? null : v.launchTemplateData().imageId()).orElse(null), images);
    }

    @Override
    public void tagGroup(String group, String key, String value) {
        autoScaling.get().createOrUpdateTags(r -> r.tags(t -> t.resourceType("auto-scaling-group").resourceId(group).key(key)
                .value(value).propagateAtLaunch(false)));
    }

    @Override
    public void untagGroup(String group, String key) {
        autoScaling.get().deleteTags(r -> r.tags(t -> t.resourceType("auto-scaling-group").resourceId(group).key(key)));
    }

    /** A function's answer may take a while (a cold start on the local cloud): two minutes before giving up. */
    private static SdkHttpClient http() {
        return UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(2)).build();
    }

    /** Made when first asked for: a command uses one or two of the clients. */
    private static <T> Supplier<T> once(Supplier<T> make) {
        return new Supplier<>() {
            private T made;

            @Override
            public synchronized T get() {
                if (made == null) {
                    made = make.get();
                }
                return made;
            }
        };
    }
}
