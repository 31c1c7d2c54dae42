package dev.kiln.advisoryfeed;

import java.util.Arrays;
import java.util.Optional;

/** The Amazon Linux releases whose security advisory feeds Kiln reads, by their path on the ALAS site. */
public enum AmazonLinux {
    AL2023("2023", "AL2023/"),
    AL2("2", "AL2/"),
    AL1("1", "");

    private final String version;
    private final String path;

    AmazonLinux(String version, String path) {
        this.version = version;
        this.path = path;
    }

    /** As the configuration and the events name it: {@code 2023}, {@code 2}, {@code 1}. */
    public String version() {
        return version;
    }

    /** The feed below the site's base URL, e.g. {@code AL2023/alas.rss}. */
    public String feedPath() {
        return path + "alas.rss";
    }

    /** An advisory's page below the site's base URL, e.g. {@code AL2023/ALAS-2023-126.html}. */
    public String pagePath(String pageName) {
        return path + pageName;
    }

    public static Optional<AmazonLinux> of(String version) {
        return Arrays.stream(values()).filter(a -> a.version.equals(version)).findFirst();
    }
}
