package dev.kiln.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.infra.RepositoryLayout;
import dev.kiln.infra.it.LocalCloud;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How long each Kiln function takes to answer its first (cold) and its later (warm) invocations on the local cloud,
 * side by side with its floor: a copy of its archive whose handler only builds the same SDK clients
 * ({@link FloorHandler}). Both run as new functions under a role allowed nothing, so a function's first AWS call is
 * refused (it is made, and its marshalling loaded, but it changes nothing) and the deployed functions' warm
 * environments are not reused. Prints the table and writes it to {@code benchmarks/function-starts.md}; asserts no
 * speed (the machines are shared). Run by {@code scripts/benchmark}, after Kiln is deployed to the local cloud.
 */
class FunctionStartBenchmark {

    private static final int WARM_INVOCATIONS = 5;
    private static final String PREFIX = "kiln-bench-";
    private static final String BUCKET = "kiln-benchmark-archives";
    private static final String ROLE = "kiln-benchmark-allowed-nothing";
    private static final double GOAL = 1.5;

    private final LambdaClient lambda = LocalCloud.client(LambdaClient.builder());
    private final S3Client s3 = LocalCloud.client(S3Client.builder());
    private final IamClient iam = LocalCloud.client(IamClient.builder(), software.amazon.awssdk.regions.Region.AWS_GLOBAL);
    private final RepositoryLayout layout = RepositoryLayout.locate(System.getProperty("kiln.root"), Path.of(""));

    /** One row: a function, its archive's size, and the milliseconds its invocations took, and its floor's. */
    record Row(String module, int memoryMb, long archiveBytes, long cold, long floorCold, long warm, long floorWarm,
               long coldJava21, long warmJava21, String answer) {

        double ratio() {
            return (double) cold / floorCold;
        }
    }

    @Test
    void measureEveryFunctionsColdAndWarmStartAgainstItsFloor() throws Exception {
        String role = role();
        if (!s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(BUCKET))) {
            s3.createBucket(r -> r.bucket(BUCKET));
        }
        List<Row> rows = new ArrayList<>();
        for (FunctionConfiguration deployed : kilnFunctions()) {
            String module = deployed.environment().variables().get("POWERTOOLS_SERVICE_NAME").replaceFirst("^kiln-", "");
            Path archive = layout.functionArchive(module);
            byte[] code = Files.readAllBytes(archive);
            String real = create(PREFIX + module, deployed, deployed.runtimeAsString(), role, deployed.handler(), code);
            String floor = create(PREFIX + "floor-" + module, deployed, deployed.runtimeAsString(), role,
                    FloorHandler.class.getName() + "::handleRequest", withFloor(archive));
            String real21 = create(PREFIX + "java21-" + module, deployed, "java21", role, deployed.handler(), code);
            try {
                long[] realTimes = new long[WARM_INVOCATIONS + 1];
                long[] floorTimes = new long[WARM_INVOCATIONS + 1];
                long[] real21Times = new long[WARM_INVOCATIONS + 1];
                String answer = "";
                for (int i = 0; i <= WARM_INVOCATIONS; i++) {
                    long started = System.nanoTime();
                    answer = answer(lambda.invoke(r -> r.functionName(real).payload(SdkBytes.fromUtf8String("{}"))));
                    realTimes[i] = (System.nanoTime() - started) / 1_000_000;
                    started = System.nanoTime();
                    InvokeResponse floored = lambda.invoke(r -> r.functionName(floor).payload(SdkBytes.fromUtf8String("{}")));
                    floorTimes[i] = (System.nanoTime() - started) / 1_000_000;
                    assertThat(floored.functionError()).as(module + "'s floor: " + floored.payload().asUtf8String()).isNull();
                    started = System.nanoTime();
                    String answer21 = answer(lambda.invoke(r -> r.functionName(real21).payload(SdkBytes.fromUtf8String("{}"))));
                    real21Times[i] = (System.nanoTime() - started) / 1_000_000;
                    assertThat(answer21).as(module + " on java21 answers as on " + deployed.runtimeAsString()).isEqualTo(answer);
                }
                rows.add(new Row(module, deployed.memorySize(), Files.size(archive), realTimes[0], floorTimes[0],
                        median(realTimes), median(floorTimes), real21Times[0], median(real21Times), answer));
            } finally {
                for (String name : List.of(real, floor, real21)) {
                    lambda.deleteFunction(r -> r.functionName(name));
                }
            }
        }
        rows.sort(Comparator.comparing(Row::ratio).reversed());
        String report = report(rows);
        System.out.println(report);
        Path file = layout.root().resolve("benchmarks/function-starts.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report);
        assertThat(rows).as("every function of the deployed stack measured").isNotEmpty();
    }

    private List<FunctionConfiguration> kilnFunctions() {
        return LocalCloud.stackResources("AWS::Lambda::Function").stream()
                .map(name -> lambda.getFunction(r -> r.functionName(name)).configuration())
                .toList();
    }

    /** A role Lambda may take that no policy allows anything: the benchmark's copies change nothing. */
    private String role() {
        try {
            return iam.getRole(r -> r.roleName(ROLE)).role().arn();
        } catch (software.amazon.awssdk.services.iam.model.NoSuchEntityException e) {
            return iam.createRole(r -> r.roleName(ROLE).assumeRolePolicyDocument("""
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                     "Principal": {"Service": "lambda.amazonaws.com"}}]}""")).role().arn();
        }
    }

    private String create(String name, FunctionConfiguration like, String runtime, String role, String handler, byte[] archive) {
        s3.putObject(r -> r.bucket(BUCKET).key(name + ".zip"), RequestBody.fromBytes(archive));
        lambda.createFunction(r -> r.functionName(name).role(role).runtime(runtime).architectures(like.architectures())
                .handler(handler).memorySize(like.memorySize()).timeout(like.timeout())
                .environment(e -> e.variables(like.environment().variables()))
                .code(c -> c.s3Bucket(BUCKET).s3Key(name + ".zip")));
        lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName(name));
        return name;
    }

    /** The function's archive with {@link FloorHandler} added. */
    private static byte[] withFloor(Path archive) throws IOException {
        String entry = FloorHandler.class.getName().replace('.', '/') + ".class";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(archive)); ZipOutputStream out = new ZipOutputStream(bytes);
             InputStream floor = FloorHandler.class.getResourceAsStream("/" + entry)) {
            for (ZipEntry next = in.getNextEntry(); next != null; next = in.getNextEntry()) {
                out.putNextEntry(new ZipEntry(next.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry(entry));
            floor.transferTo(out);
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static String answer(InvokeResponse response) {
        if (response.functionError() == null) {
            return "answered";
        }
        String payload = response.payload().asUtf8String();
        int type = payload.indexOf("\"errorType\"");
        return type < 0 ? "error" : payload.substring(type).replaceFirst("^\"errorType\"\\s*:\\s*\"([^\"]*)\".*", "$1")
                .replaceFirst("^.*\\.", "");
    }

    private static long median(long[] times) {
        return LongStream.of(times).skip(1).sorted().skip(WARM_INVOCATIONS / 2).findFirst().orElseThrow();
    }

    private static String report(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("# Function starts on the local cloud\n\n");
        out.append("Measured by `scripts/benchmark` (`FunctionStartBenchmark`) on ").append(Instant.now().toString(), 0, 10)
                .append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Kiln's functions on their own runtime. Milliseconds per invocation, as the caller saw it.\n")
                .append("Cold: a new function's first invocation (a JVM starts and the handler initialises; the local cloud takes no\n")
                .append("SnapStart snapshot, so this is a cold start without SnapStart). Warm: the median of the next ")
                .append(WARM_INVOCATIONS).append(".\n")
                .append("Floor: the same archive and settings with a bare handler that builds one client of every AWS service in it.\n")
                .append("java21: the same function on the java21 runtime (the local cloud runs each runtime on a JVM of its version).\n")
                .append("Answer: the function's own answer to `{}` under a role allowed nothing (a refused call or a refused payload).\n\n");
        out.append("| function | MB | archive MB | cold | floor cold | cold / floor | cold java21 | warm | warm java21 | floor warm | answer |\n");
        out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %d | %d | %.2f%s | %d | %d | %d | %d | %s |%n", row.module(),
                    row.memoryMb(), row.archiveBytes() / 1e6, row.cold(), row.floorCold(), row.ratio(),
                    row.ratio() > GOAL ? " **over " + GOAL + "**" : "", row.coldJava21(), row.warm(), row.warmJava21(), row.floorWarm(),
                    row.answer()));
        }
        long within = rows.stream().filter(row -> row.ratio() <= GOAL).count();
        double geometric = Math.exp(rows.stream().mapToDouble(row -> Math.log(row.ratio())).average().orElse(0));
        double java21 = Math.exp(rows.stream().mapToDouble(row -> Math.log((double) row.coldJava21() / row.cold())).average().orElse(0));
        out.append(String.format(Locale.ROOT, "%n%d of %d functions start within %.1f× their floor; geometric mean of cold / floor: %.2f;"
                + " of cold java21 / cold: %.2f.%n", within, rows.size(), GOAL, geometric, java21));
        return out.toString();
    }
}
