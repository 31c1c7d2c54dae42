package dev.kiln.patchreport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PatchReportServiceTest {

    private static final String PLAN = """
            {"advisory": {"id": "ALAS2023-2025-1196", "amazonLinux": "2023", "severity": "important", "packages": ["expat"],
                          "cves": ["CVE-2025-59375"], "link": "https://alas.aws.amazon.com/AL2023/ALAS2023-2025-1196.html",
                          "publishedAt": "2026-11-22T08:19:00Z", "releasever": "2023.9.20251105"},
             "untouched": [{"role": "legacy", "why": "built on Amazon Linux 2, the advisory is for Amazon Linux 2023"}]}
            """;
    private static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");
    private final PatchReportService service = new PatchReportService();

    @Test
    void shouldAskToRotateEveryPatchedRoleAndSayHowLongItTook() throws Exception {
        PatchReportService.Report report = service.report(Json.MAPPER.readTree("""
                {"plan": %s,
                 "baked": [{"role": "base", "status": "SUCCEEDED", "imageId": "ami-0000000000000000b"}],
                 "followed": [{"role": "web", "status": "SUCCEEDED", "imageId": "ami-0000000000000000c"},
                              {"role": "api", "status": "SUCCEEDED", "imageId": "ami-0000000000000000d"}],
                 "executionArn": "arn:aws:states:us-east-1:000000000000:execution:kiln-patch:p-1"}""".formatted(PLAN)), NOW);

        assertThat(report.complete()).isTrue();
        assertThat(report.hasRotation()).isTrue();
        assertThat(report.rotation()).isEqualTo(Json.MAPPER.readTree("""
                {"advisory": "ALAS2023-2025-1196", "severity": "important", "packages": ["expat"],
                 "publishedAt": "2026-11-22T08:19:00Z", "roles": ["base", "web", "api"],
                 "images": {"base": "ami-0000000000000000b", "web": "ami-0000000000000000c", "api": "ami-0000000000000000d"},
                 "reason": "security advisory ALAS2023-2025-1196 (important: expat)",
                 "executionArn": "arn:aws:states:us-east-1:000000000000:execution:kiln-patch:p-1"}"""));
        assertThat(report.subject()).isEqualTo("Kiln patched ALAS2023-2025-1196 (important): base, web and api");
        assertThat(report.message()).startsWith("ALAS2023-2025-1196 (important, expat): base, web and api patched,"
                + " rotation requested 41 minutes after publication.\n")
                .contains("Patched      web: re-baked on its parent's new image (ami-0000000000000000c)")
                .contains("Not touched  legacy: built on Amazon Linux 2");
        assertThat(report.state()).isEqualTo("PATCHED");
    }

    @Test
    void shouldRotateWhatWasPatchedAndNameWhatWasNot() throws Exception {
        PatchReportService.Report report = service.report(Json.MAPPER.readTree("""
                {"plan": %s,
                 "baked": [{"role": "base", "status": "SUCCEEDED", "imageId": "ami-0000000000000000b"},
                           {"role": "web", "status": "FAILED", "error": "States.TaskFailed",
                            "cause": "{\\"Name\\": \\"web-ALAS2023-2025-1196\\", \\"Status\\": \\"FAILED\\", \\"Error\\": \\"Kiln.ServerTestsFailed\\", \\"Cause\\": \\"tests/web.sh exited 1\\"}"}],
                 "followed": [{"role": "api", "status": "TIMED_OUT"}],
                 "executionArn": "arn:aws:states:us-east-1:000000000000:execution:kiln-patch:p-2"}""".formatted(PLAN)), NOW);

        assertThat(report.complete()).isFalse();
        assertThat(report.state()).isEqualTo("INCOMPLETE");
        assertThat(report.rotation().get("roles")).hasSize(1);
        assertThat(report.subject()).isEqualTo("Kiln could not fully patch ALAS2023-2025-1196 (important): base");
        assertThat(report.message()).contains("; web and api not patched",
                "Not patched  web: bake web-ALAS2023-2025-1196 failed: Kiln.ServerTestsFailed: tests/web.sh exited 1",
                "Not patched  api: its re-bake on the parent's new image did not appear in time");
        assertThat(Json.MAPPER.readTree(report.details()).at("/web/status").asText()).isEqualTo("FAILED");
    }

    @Test
    void shouldAskForNoRotationWhenNothingWasPatched() throws Exception {
        PatchReportService.Report report = service.report(Json.MAPPER.readTree("""
                {"plan": %s, "baked": [{"role": "base", "status": "FAILED", "error": "Kiln.SsmTimedOut", "cause": "no agent"}],
                 "followed": [], "executionArn": "x"}""".formatted(PLAN)), NOW);

        assertThat(report.hasRotation()).isFalse();
        assertThat(report.message()).startsWith("ALAS2023-2025-1196 (important, expat): nothing patched; base not patched.");
    }
}
