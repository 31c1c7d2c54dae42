package dev.kiln.sourcefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.sourcefetch.errors.CommitNotFoundException;
import dev.kiln.sourcefetch.errors.MalformedRequestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** When a bundle is fetched, and that it is fetched once. */
class SourceFetchServiceTest {

    private static final String SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private static final String KEY = "bundles/" + SHA + ".tar.gz";
    private static final KilnConfig CONFIG = KilnConfigJson.read("""
            {"repository": {"owner": "example-org", "name": "fleet", "branch": "main", "apiUrl": "https://github.example.com/api/v3"},
             "builder": {"vpcId": "vpc-0a1b2c3d", "subnetIds": ["subnet-0a1b2c3d"], "instanceTypes": ["t4g.large"]},
             "roles": [{"name": "base", "parent": {"amazonLinux": "2023", "architecture": "arm64"},
                        "playbook": "base.yml", "tests": "base.sh", "watch": ["roles/base/**"]}]}
            """);

    private final Map<String, byte[]> bucket = new HashMap<>();
    private final List<String> downloads = new ArrayList<>();
    private Runnable beforePut = () -> { };

    private final Ports.Bundles bundles = new Ports.Bundles() {
        @Override
        public OptionalLong size(String name, String key) {
            return bucket.containsKey(key) ? OptionalLong.of(bucket.get(key).length) : OptionalLong.empty();
        }

        @Override
        public boolean put(String name, String key, Path file) {
            beforePut.run();
            if (bucket.containsKey(key)) {
                return false;
            }
            try {
                bucket.put(key, Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return true;
        }
    };

    private final Ports.Tarballs tarballs = (repository, sha, target) -> {
        downloads.add(repository.apiUrl() + " " + repository.fullName() + "@" + sha);
        try {
            Files.write(target, GitHubTarballsTest.gzip("tarball of " + sha));
            return Files.size(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    };

    private final SourceFetchService service = new SourceFetchService(() -> CONFIG, bundles, tarballs);

    private static FetchRequest request() {
        return FetchRequest.parse(("{\"sha\":\"" + SHA + "\",\"bucket\":\"kiln-artifacts\",\"key\":\"" + KEY + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldDownloadTheCommitFromTheConfiguredRepositoryWhenTheBundleIsMissing() {
        FetchResult result = service.fetch(request());

        assertThat(downloads).containsExactly("https://github.example.com/api/v3 example-org/fleet@" + SHA);
        assertThat(result).isEqualTo(new FetchResult("kiln-artifacts", KEY, bucket.get(KEY).length, true));
    }

    @Test
    void shouldFetchEachCommitOnce() {
        service.fetch(request());
        FetchResult again = service.fetch(request());

        assertThat(downloads).hasSize(1);
        assertThat(again.fetched()).isFalse();
        assertThat(again.bytes()).isEqualTo(bucket.get(KEY).length);
    }

    @Test
    void shouldKeepTheBundleAnotherBakeStoredFirst() {
        byte[] theirs = GitHubTarballsTest.gzip("stored by the other bake, a little longer");
        beforePut = () -> bucket.putIfAbsent(KEY, theirs);

        FetchResult result = service.fetch(request());

        assertThat(bucket.get(KEY)).isEqualTo(theirs);
        assertThat(result.fetched()).isFalse();
        assertThat(result.bytes()).isEqualTo(theirs.length);
    }

    @Test
    void shouldStoreNothingWhenTheDownloadFails() {
        SourceFetchService failing = new SourceFetchService(() -> CONFIG, bundles, (repository, sha, target) -> {
            throw new CommitNotFoundException("GitHub has no commit " + sha);
        });

        assertThatThrownBy(() -> failing.fetch(request())).isInstanceOf(CommitNotFoundException.class);
        assertThat(bucket).isEmpty();
    }

    @Test
    void shouldRefuseARequestForSomethingOtherThanACommitsBundle() {
        assertThatThrownBy(() -> FetchRequest.parse("{\"sha\":\"main\",\"bucket\":\"b\",\"key\":\"bundles/main.tar.gz\"}"
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRequestException.class).hasMessage("sha is not a full commit id: 'main'");
        assertThatThrownBy(() -> FetchRequest.parse(("{\"sha\":\"" + SHA + "\",\"bucket\":\"b\",\"key\":\"manifests/x\"}")
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRequestException.class).hasMessageStartingWith("key is not bundles/");
    }
}
