package dev.kiln.common.distribution;

/**
 * How the hub reaches a member stack (docs/distribution.md): each member stack, deployed into a target account and
 * region, makes a role the hub's account may assume with an external id, for exactly the hub's calls there (the
 * role's pointer). The member stack and distribute both name the role and the id from here, so they always agree.
 *
 * <p>The external id is not a secret (AWS says so of every external id): it stops another deployment, or another
 * account that a member trusts by mistake, from acting as this hub.
 */
public final class MemberAccess {

    private MemberAccess() {
    }

    /** The role the member stack of deployment {@code name} makes in {@code region}; roles are per account, hence the region. */
    public static String roleName(String name, String region) {
        return name + "-hub-" + region;
    }

    public static String roleArn(String partition, String account, String name, String region) {
        return "arn:" + partition + ":iam::" + account + ":role/" + roleName(name, region);
    }

    /** What the hub of deployment {@code name} in {@code hubAccount} says when it assumes a member's role. */
    public static String externalId(String name, String hubAccount) {
        return "kiln-" + name + "-" + hubAccount;
    }
}
