package dev.kiln.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScrubbedTest {

    @Test
    void shouldMaskWhatLooksLikeACredentialAndKeepWhatNamesIt() {
        String output = """
                TASK [app : write env] failed: DB_PASSWORD=hunter2 API_KEY: 'abc123' {"client_secret": "s3cr3t"}
                curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' https://deploy:pa55word@artifacts.example.com/a.tgz
                aws_access_key_id AKIAIOSFODNN7EXAMPLE and token ghp_0123456789abcdefghijABCDEFGHIJ012345
                -----BEGIN RSA PRIVATE KEY-----
                MIIEowIBAAKCAQEA
                -----END RSA PRIVATE KEY-----
                exit status 2""";

        String scrubbed = Scrubbed.text(output, 10_000);

        assertThat(scrubbed).doesNotContain("hunter2", "abc123", "s3cr3t", "eyJhbGciOiJIUzI1NiJ9", "pa55word",
                "AKIAIOSFODNN7EXAMPLE", "ghp_0123456789", "MIIEowIBAAKCAQEA");
        assertThat(scrubbed).contains("DB_PASSWORD=[scrubbed]", "\"client_secret\": \"[scrubbed]",
                "https://deploy:[scrubbed]@artifacts.example.com/a.tgz", "TASK [app : write env] failed:", "exit status 2");
    }

    @Test
    void shouldLeaveOrdinaryOutputAlone() {
        String output = "nginx: [emerg] unknown directive \"servr\" in /etc/nginx/nginx.conf:12\ntests: 14 passed, 1 failed";

        assertThat(Scrubbed.text(output, 10_000)).isEqualTo(output);
    }

    @Test
    void shouldCutTheMiddleOfALongTextKeepingItsBeginningAndItsEnd() {
        String output = "provisioning ended Failed (full output: s3://kiln/logs/web/b1/)" + "x".repeat(50_000) + "FATAL: the last line";

        String bounded = Scrubbed.text(output, 4000);

        assertThat(bounded).hasSizeLessThanOrEqualTo(4000)
                .startsWith("provisioning ended Failed (full output: s3://kiln/logs/web/b1/)")
                .endsWith("FATAL: the last line")
                .contains("characters cut");
    }
}
