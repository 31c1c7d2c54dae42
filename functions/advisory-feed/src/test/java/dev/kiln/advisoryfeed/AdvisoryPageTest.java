package dev.kiln.advisoryfeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdvisoryPageTest {

    @Test
    void shouldReadTheIdPackagesCvesAndReleaseverOfAnAl2023Page() {
        AdvisoryPage page = AdvisoryPage.parse(Fixtures.text("advisories/AL2023-ALAS-2023-126.vunnel.html"), "ALAS-2023-126");

        assertThat(page.id()).isEqualTo("ALAS2023-2023-126");
        assertThat(page.severity()).contains(Severity.IMPORTANT);
        assertThat(page.packages()).containsExactly("device-mapper-multipath");
        assertThat(page.cves()).containsExactly("CVE-2022-3787", "CVE-2022-41973", "CVE-2022-41974");
        assertThat(page.releasever()).contains("2023.0.20230308");
        assertThat(page.correction()).isEqualTo("Run dnf update device-mapper-multipath --releasever=2023.0.20230308 to update your system.");
    }

    @Test
    void shouldReadAl2PagesWhichNameNoReleasever() {
        AdvisoryPage kernel = AdvisoryPage.parse(Fixtures.text("advisories/AL2-ALAS-2018-939.vunnel.html"), "ALAS-2018-939");
        AdvisoryPage java = AdvisoryPage.parse(Fixtures.text("advisories/AL2-ALAS2-2018-949-java-1.8.0-openjdk.vunnel-mock_html.html"), "ALAS2-2018-949");

        assertThat(kernel.id()).isEqualTo("ALAS-2018-939");
        assertThat(kernel.severity()).contains(Severity.CRITICAL);
        assertThat(kernel.packages()).containsExactly("kernel");
        assertThat(kernel.releasever()).isEmpty();
        assertThat(kernel.correction()).startsWith("Run yum update kernel to update your system.");
        assertThat(java.id()).isEqualTo("ALAS2-2018-949");
        assertThat(java.severity()).contains(Severity.IMPORTANT);
        assertThat(java.packages()).containsExactly("java-1.8.0-openjdk");
        assertThat(java.cves()).hasSize(15).contains("CVE-2018-2677", "CVE-2018-2663");
        assertThat(java.releasever()).isEmpty();
    }

    @Test
    void shouldReadAReleaseverWrittenWithASpace() {
        String html = Fixtures.text("advisories/AL2023-ALAS-2023-126.vunnel.html")
                .replace("--releasever=2023.0.20230308", "--releasever 2023.5.20240805");

        assertThat(AdvisoryPage.parse(html, "ALAS-2023-126").releasever()).isEqualTo(Optional.of("2023.5.20240805"));
    }

    @Test
    void shouldRefuseAPageThatIsNotAnAdvisory() {
        assertThatThrownBy(() -> AdvisoryPage.parse("<html><body><h1>Service Unavailable</h1></body></html>", "ALAS2023-2025-1196"))
                .isInstanceOf(MalformedFeedException.class)
                .hasMessage("ALAS2023-2025-1196: the page has no advisory id in its heading");
        assertThatThrownBy(() -> AdvisoryPage.parse("<html><body><h1>ALAS2023-2025-1196</h1></body></html>", "ALAS2023-2025-1196"))
                .isInstanceOf(MalformedFeedException.class)
                .hasMessage("ALAS2023-2025-1196: the page names no affected packages");
    }

    @Test
    void shouldKeepOnlyPackageNamesFromTheAffectedList() {
        String html = "<h1>ALAS2023-2025-1196</h1><div id='affected_packages'><b>Affected Packages:</b><p>expat, libexpat</p>"
                + "<p>$(reboot)</p></div>";

        assertThat(AdvisoryPage.parse(html, "x").packages()).isEqualTo(List.of("expat", "libexpat"));
    }
}
