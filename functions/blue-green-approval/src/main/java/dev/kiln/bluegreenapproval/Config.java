package dev.kiln.bluegreenapproval;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What blue-green-approval is told by its deployment.
 *
 * @param releasesTable    the blue/green releases table, where a wait's task token is kept
 * @param topicArn         Kiln's notification topic: approval requests go there unless a role names its approvers' topic
 * @param linkKeySecret    the Secrets Manager secret whose value signs the approval links
 * @param decisionUrl      the decision page (blue-green-decide's Function URL)
 * @param decisionFunction blue-green-decide's name, for the decision by command
 */
record Config(String releasesTable, String topicArn, String linkKeySecret, String decisionUrl, String decisionFunction) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("RELEASES_TABLE"), env.require("TOPIC_ARN"), env.require("LINK_KEY_SECRET"),
                env.require("DECISION_URL"), env.require("DECISION_FUNCTION"));
    }
}
