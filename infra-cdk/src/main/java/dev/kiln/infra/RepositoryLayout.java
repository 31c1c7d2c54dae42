package dev.kiln.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the CDK app finds what it deploys: function archives built by Maven and the state machine
 * definitions, always resolved from the repository root (never relative to the working directory).
 */
public record RepositoryLayout(Path root) {

    public RepositoryLayout {
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("functions")) || !Files.isDirectory(root.resolve("statemachines"))) {
            throw new IllegalArgumentException(root + " is not the Kiln repository root (no functions/ and statemachines/)");
        }
    }

    /**
     * The root named by the {@code kiln.root} system property, or else the nearest directory at or
     * above {@code workingDirectory} that has {@code functions/} and {@code statemachines/}.
     */
    public static RepositoryLayout locate(String rootProperty, Path workingDirectory) {
        if (rootProperty != null && !rootProperty.isBlank()) {
            return new RepositoryLayout(Path.of(rootProperty));
        }
        for (Path dir = workingDirectory.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("functions")) && Files.isDirectory(dir.resolve("statemachines"))) {
                return new RepositoryLayout(dir);
            }
        }
        throw new IllegalStateException("cannot find the Kiln repository root above " + workingDirectory
                + "; run from inside the repository or set -Dkiln.root");
    }

    /** The archive Maven builds for {@code functions/<module>}; it must exist before synthesis. */
    public Path functionArchive(String module) {
        Path archive = root.resolve("functions").resolve(module).resolve("target").resolve(module + ".zip");
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException(archive + " does not exist: build the functions first (mvn package)");
        }
        return archive;
    }

    /** {@code statemachines/<name>.asl.json}. */
    public Path stateMachine(String name) {
        return root.resolve("statemachines").resolve(name + ".asl.json");
    }
}
