package dev.kiln.common.testing;

/**
 * Kiln configuration documents for tests: the example fleet's repository and builder, with the members a
 * test is about. Shared with every function module's tests through common's test jar.
 */
public final class KilnConfigs {

    private KilnConfigs() {
    }

    /**
     * The document {@code {"repository": ..., "builder": ..., <members>}}: example-org/fleet on main, built in
     * one subnet on t4g.large, and {@code members} (e.g. {@code "roles": [...], "rotation": {...}}) as given.
     */
    public static String document(String members) {
        return """
                {"repository": {"owner": "example-org", "name": "fleet", "branch": "main"},
                 "builder": {"vpcId": "vpc-0a1b2c3d", "subnetIds": ["subnet-0a1b2c3d"], "instanceTypes": ["t4g.large"]},
                 %s}""".formatted(members);
    }
}
