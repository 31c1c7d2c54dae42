package dev.kiln.common;

import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Builds AWS SDK clients the same way in every function: one light HTTP client shared by all of them,
 * region and credentials from the Lambda environment, and the endpoint from the standard SDK
 * configuration ({@code AWS_ENDPOINT_URL}), so the same archive runs on AWS and on the local cloud.
 * Call it from a handler's no-argument constructor, once per execution environment.
 */
public final class AwsClients {

    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder().build();

    private AwsClients() {
    }

    /** For example {@code AwsClients.build(SnsClient.builder())}. */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C build(B builder) {
        return builder.httpClient(HTTP).build();
    }
}
