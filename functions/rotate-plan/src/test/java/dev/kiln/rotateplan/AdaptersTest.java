package dev.kiln.rotateplan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.testing.RequestBodies;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

class AdaptersTest {

    private static final String BUCKET = "kiln-artifacts-000000000000";
    private static final String PREFIX = "rotations/r-1/tags/";

    @Test
    void shouldReadEveryObjectUnderThePrefixAcrossListings() {
        // given: two listings, as S3 pages them
        List<Object> requests = new ArrayList<>();
        S3Client s3 = new S3Client() {
            @Override
            public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
                requests.add(request);
                return request.continuationToken() == null
                        ? ListObjectsV2Response.builder().isTruncated(true).nextContinuationToken("next-1")
                                .contents(S3Object.builder().key(PREFIX + "0.json").build(),
                                        S3Object.builder().key(PREFIX + "1.json").build()).build()
                        : ListObjectsV2Response.builder().isTruncated(false)
                                .contents(S3Object.builder().key(PREFIX + "2.json").build()).build();
            }

            @Override
            public ResponseBytes<GetObjectResponse> getObjectAsBytes(GetObjectRequest request) {
                requests.add(request);
                return ResponseBytes.fromByteArray(GetObjectResponse.builder().build(),
                        ("[\"" + request.key() + "\"]").getBytes(StandardCharsets.UTF_8));
            }

            @Override public String serviceName() { return "s3"; }
            @Override public void close() { }
        };

        // when
        List<Ports.Page> pages = new S3TagPages(s3).read(BUCKET, PREFIX);

        // then
        assertThat(pages).containsExactly(new Ports.Page(PREFIX + "0.json", "[\"" + PREFIX + "0.json\"]"),
                new Ports.Page(PREFIX + "1.json", "[\"" + PREFIX + "1.json\"]"),
                new Ports.Page(PREFIX + "2.json", "[\"" + PREFIX + "2.json\"]"));
        assertThat(requests).containsExactly(
                ListObjectsV2Request.builder().bucket(BUCKET).prefix(PREFIX).build(),
                GetObjectRequest.builder().bucket(BUCKET).key(PREFIX + "0.json").build(),
                GetObjectRequest.builder().bucket(BUCKET).key(PREFIX + "1.json").build(),
                ListObjectsV2Request.builder().bucket(BUCKET).prefix(PREFIX).continuationToken("next-1").build(),
                GetObjectRequest.builder().bucket(BUCKET).key(PREFIX + "2.json").build());
    }

    @Test
    void shouldWriteThePlanAsAJsonObject() {
        // given
        List<PutObjectRequest> requests = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        S3Client s3 = new S3Client() {
            @Override
            public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
                requests.add(request);
                bodies.add(RequestBodies.text(body));
                return PutObjectResponse.builder().build();
            }

            @Override public String serviceName() { return "s3"; }
            @Override public void close() { }
        };

        // when
        new S3PlanStore(s3).put(BUCKET, "rotations/r-1/groups.json", "[]");

        // then
        assertThat(requests).containsExactly(PutObjectRequest.builder().bucket(BUCKET).key("rotations/r-1/groups.json")
                .contentType("application/json").build());
        assertThat(bodies).containsExactly("[]");
    }

    @Test
    void shouldNameTheImageAMemberPointerNamesAndNoneBeforeDistributePointedIt() {
        List<String> asked = new ArrayList<>();
        SsmClient ssm = new SsmClient() {
            @Override
            public GetParameterResponse getParameter(GetParameterRequest request) {
                asked.add(request.name());
                if (request.name().endsWith("/web")) {
                    return GetParameterResponse.builder().parameter(Parameter.builder().name(request.name())
                            .value("ami-0copy0000000000a").build()).build();
                }
                throw ParameterNotFoundException.builder().message("Parameter " + request.name() + " not found.").build();
            }

            @Override public String serviceName() { return "ssm"; }
            @Override public void close() { }
        };
        SsmImagePointers pointers = new SsmImagePointers(ssm, "/kiln/images/");

        assertThat(pointers.imageId("web")).contains("ami-0copy0000000000a");
        assertThat(pointers.imageId("api")).as("no copy pointed here yet: its groups wait").isEmpty();
        assertThat(asked).containsExactly("/kiln/images/web", "/kiln/images/api");
    }
}
