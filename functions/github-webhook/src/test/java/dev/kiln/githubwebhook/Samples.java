package dev.kiln.githubwebhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.Resources;

/** Samples from events/ and configurations that fit them. */
final class Samples {

    private Samples() {
    }

    static byte[] bytes(String path) {
        return Resources.bytes("/events/" + path);
    }

    static JsonNode json(String path) {
        return Resources.json("/events/" + path);
    }

    /** A configuration watching {@code owner/name} on {@code branch}, with a docs role (README.md) and a web role. */
    static KilnConfig config(String repository, String branch) {
        String[] parts = repository.split("/");
        return KilnConfigJson.read("""
                {"repository": {"owner": "%s", "name": "%s", "branch": "%s"},
                 "builder": {"vpcId": "vpc-0a1b2c3d", "subnetIds": ["subnet-0a1b2c3d"], "instanceTypes": ["t4g.large"]},
                 "roles": [
                   {"name": "base", "parent": {"amazonLinux": "2023", "architecture": "arm64"}, "playbook": "base.yml",
                    "tests": "base.sh", "watch": ["roles/base/**"]},
                   {"name": "docs", "parent": {"role": "base"}, "playbook": "docs.yml", "tests": "docs.sh",
                    "watch": ["README.md", "docs/**"]},
                   {"name": "web", "parent": {"role": "base"}, "playbook": "web.yml", "tests": "web.sh",
                    "watch": ["roles/web/**"]}]}
                """.formatted(parts[0], parts[1], branch));
    }
}
