package dev.kiln.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * What an AWS SDK call uploads, as a fake client of any service receives it (e.g. S3's PutObject body).
 * Shared with every function module's tests through common's test jar.
 */
public final class RequestBodies {

    private RequestBodies() {
    }

    /** The bytes {@code body} streams, as UTF-8 text. */
    public static String text(RequestBody body) {
        try (InputStream in = body.contentStreamProvider().newStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
