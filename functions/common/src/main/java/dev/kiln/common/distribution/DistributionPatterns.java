package dev.kiln.common.distribution;

import java.util.regex.Pattern;

/** How AWS spells the names a distribution deals in: checked in kiln.json and in every step that is sent one. */
public final class DistributionPatterns {

    private DistributionPatterns() {
    }

    /** A region's name as AWS spells it: us-east-1, ap-northeast-3, us-gov-west-1, eu-isoe-west-1. */
    public static final Pattern REGION = Pattern.compile(
            "[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9][0-9]?");
    public static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    /** Organizations' own pattern for an organizational unit's ARN. */
    public static final Pattern ORGANIZATIONAL_UNIT = Pattern.compile(
            "arn:aws[a-z-]*:organizations::[0-9]{12}:ou/o-[a-z0-9]{10,32}/ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}");
    public static final Pattern KEY_ALIAS = Pattern.compile("alias/[A-Za-z0-9/_-]{1,250}");
    /** A role's ARN, as a member stack's role for the hub is named ({@link MemberAccess#roleArn}). */
    public static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}");
    /** What STS takes as an external id. */
    public static final Pattern EXTERNAL_ID = Pattern.compile("[A-Za-z0-9+=,.@:/-]{2,1224}");
}
