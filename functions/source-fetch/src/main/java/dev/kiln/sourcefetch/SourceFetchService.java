package dev.kiln.sourcefetch;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the commit's source bundle is in the artifact bucket: when it is not, downloads the
 * commit's tarball from the configured repository and puts it there. A bundle is written once: a
 * second bake of the same commit, or a race between two, finds it and leaves it as it is.
 */
public record SourceFetchService(ConfigSource configs, Ports.Bundles bundles, Ports.Tarballs tarballs) {

    private static final Logger LOG = LoggerFactory.getLogger(SourceFetchService.class);

    public FetchResult fetch(FetchRequest request) {
        OptionalLong existing = bundles.size(request.bucket(), request.key());
        if (existing.isPresent()) {
            LOG.info("The source bundle is there already", entry("sha", request.sha()), entry("key", request.key()));
            return new FetchResult(request.bucket(), request.key(), existing.getAsLong(), false);
        }
        KilnConfig.Repository repository = configs.current().repository();
        Path file = temporaryFile();
        try {
            long bytes = tarballs.download(repository, request.sha(), file);
            boolean stored = bundles.put(request.bucket(), request.key(), file);
            LOG.info(stored ? "Source bundle downloaded from GitHub and stored" : "Another bake stored the same bundle first",
                    entry("repository", repository.fullName()), entry("sha", request.sha()), entry("bytes", bytes),
                    entry("key", request.key()));
            return new FetchResult(request.bucket(), request.key(),
                    stored ? bytes : bundles.size(request.bucket(), request.key()).orElse(bytes), stored);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("Could not remove the downloaded tarball", entry("file", file.toString()));
            }
        }
    }

    private static Path temporaryFile() {
        try {
            return Files.createTempFile("kiln-source-", ".tar.gz");
        } catch (IOException e) {
            throw new UncheckedIOException("no room for the tarball in the temporary folder", e);
        }
    }
}
