package dev.kiln.githubwebhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.githubwebhook.errors.MalformedPayloadException;
import org.junit.jupiter.api.Test;

/** Which roles GitHub's published push samples (events/github/) bake, and variations on them. */
class PushDecisionTest {

    // events/github/push.json: baxterthehacker/public-repo, refs/heads/changes, one commit modifying README.md
    private static final KilnConfig WATCHING_PUSH_SAMPLE = Samples.config("baxterthehacker/public-repo", "changes");

    private static ObjectNode push() {
        return (ObjectNode) Samples.json("github/push.json");
    }

    private static PushDecision decide(KilnConfig config, ObjectNode payload) {
        return PushDecision.decide(config, Push.parse(payload));
    }

    /** Why {@code payload} bakes every role to be safe, having checked that it does bake every role. */
    private static String failSafe(ObjectNode payload) {
        PushDecision decision = decide(WATCHING_PUSH_SAMPLE, payload);
        assertThat(decision.roles()).containsExactly("base", "docs", "web");
        return decision.failSafe();
    }

    @Test
    void shouldBakeTheRolesWatchingThePathsThePushChanged() {
        PushDecision decision = decide(WATCHING_PUSH_SAMPLE, push());

        assertThat(decision.accepted()).isTrue();
        assertThat(decision.roles()).containsExactly("docs");
        assertThat(decision.startNow()).containsExactly("docs");
        assertThat(decision.changedPaths()).containsExactly("README.md");
        assertThat(decision.failSafe()).isNull();
        assertThat(decision.reason()).isEqualTo("baking the roles whose watched paths changed");
    }

    @Test
    void shouldTakeTheUnionOfAddedModifiedAndRemovedOverAllCommits() {
        ObjectNode payload = push();
        ObjectNode second = ((ObjectNode) payload.withArray("commits").get(0)).deepCopy();
        second.put("id", "1".repeat(40));
        second.putArray("added").add("roles/web/tasks/main.yml");
        second.putArray("modified");
        second.putArray("removed").add("roles/base/old.yml").add("README.md");
        payload.withArray("commits").add(second);

        PushDecision decision = decide(WATCHING_PUSH_SAMPLE, payload);

        assertThat(decision.changedPaths()).containsExactly("README.md", "roles/base/old.yml", "roles/web/tasks/main.yml");
        assertThat(decision.roles()).containsExactly("base", "docs", "web");
    }

    @Test
    void shouldStartOnlyTheRolesWhoseParentIsNotBakedByTheSamePush() {
        ObjectNode payload = push();
        ((ObjectNode) payload.withArray("commits").get(0)).putArray("modified").add("roles/base/x.yml").add("roles/web/y.yml");

        PushDecision decision = decide(WATCHING_PUSH_SAMPLE, payload);

        assertThat(decision.roles()).containsExactly("base", "web");
        assertThat(decision.startNow()).containsExactly("base");
    }

    @Test
    void shouldBakeNothingWhenNoWatchedPathChanged() {
        ObjectNode payload = push();
        ((ObjectNode) payload.withArray("commits").get(0)).putArray("modified").add("CONTRIBUTING.md").add("roles/webby");

        PushDecision decision = decide(WATCHING_PUSH_SAMPLE, payload);

        assertThat(decision.accepted()).isFalse();
        assertThat(decision.roles()).isEmpty();
        assertThat(decision.reason()).isEqualTo("no watched path changed (2 paths): nothing to bake");
    }

    @Test
    void shouldIgnorePushesToAnotherRepository() {
        PushDecision decision = decide(Samples.config("example-org/fleet", "changes"), push());

        assertThat(decision.accepted()).isFalse();
        assertThat(decision.reason())
                .isEqualTo("pushes to baxterthehacker/public-repo are not baked: Kiln watches example-org/fleet");
    }

    @Test
    void shouldIgnorePushesToAnotherBranch() {
        PushDecision decision = decide(Samples.config("baxterthehacker/public-repo", "main"), push());

        assertThat(decision.accepted()).isFalse();
        assertThat(decision.reason()).isEqualTo("a push to refs/heads/changes: Kiln bakes pushes to refs/heads/main");
    }

    @Test
    void shouldBakeNothingForATagPushEvenOfATagNamedLikeTheBranch() {
        ObjectNode payload = push().put("ref", "refs/tags/changes");

        PushDecision decision = decide(WATCHING_PUSH_SAMPLE, payload);

        assertThat(decision.accepted()).isFalse();
        assertThat(decision.reason()).isEqualTo("a tag push (refs/tags/changes): tags bake nothing");
    }

    @Test
    void shouldBakeNothingWhenTheBranchIsDeleted() {
        // as GitHub sends a deletion: deleted true, after all zeros, no commits
        ObjectNode payload = push().put("deleted", true).put("after", "0".repeat(40)).putNull("head_commit");
        payload.putArray("commits");

        PushDecision decision = decide(WATCHING_PUSH_SAMPLE, payload);

        assertThat(decision.accepted()).isFalse();
        assertThat(decision.reason()).isEqualTo("the branch was deleted: nothing to bake");
    }

    @Test
    void shouldBakeEveryRoleToBeSafeForANewBranch() {
        // events/github/push-new-branch.json: Codertocat/Hello-World master, created, before all zeros
        PushDecision decision = decide(Samples.config("Codertocat/Hello-World", "master"),
                (ObjectNode) Samples.json("github/push-new-branch.json"));

        assertThat(decision.accepted()).isTrue();
        assertThat(decision.roles()).containsExactly("base", "docs", "web");
        assertThat(decision.startNow()).containsExactly("base");
        assertThat(decision.failSafe()).startsWith("a new branch");
        assertThat(decision.reason()).startsWith("baking every role to be safe: a new branch");
    }

    @Test
    void shouldBakeEveryRoleToBeSafeForAForcedPush() {
        assertThat(failSafe(push().put("forced", true))).startsWith("a forced push");
    }

    @Test
    void shouldBakeEveryRoleToBeSafeWhenGithubCutTheCommitList() {
        ObjectNode payload = push();
        ArrayNode commits = payload.withArray("commits");
        while (commits.size() < PushDecision.COMMIT_LIMIT) {
            commits.add(commits.get(0).deepCopy());
        }

        assertThat(failSafe(payload)).isEqualTo("the push lists 2048 commits, GitHub's limit, so some may be missing");
    }

    @Test
    void shouldBakeEveryRoleToBeSafeWhenGithubCutACommitsFileList() {
        ObjectNode payload = push();
        ArrayNode modified = ((ObjectNode) payload.withArray("commits").get(0)).putArray("modified");
        for (int i = 0; i < PushDecision.FILE_LIMIT; i++) {
            modified.add("docs/page-" + i + ".md");
        }

        assertThat(failSafe(payload)).startsWith("a commit lists 3000 or more files");
    }

    @Test
    void shouldBakeEveryRoleToBeSafeWhenThePushListsNoCommits() {
        ObjectNode payload = push();
        payload.putArray("commits");

        assertThat(decide(WATCHING_PUSH_SAMPLE, payload).failSafe()).startsWith("the push lists no commits");
    }

    @Test
    void shouldMatchGlobsAcrossDirectoriesOnlyWithDoubleStars() {
        KilnConfig.Role docs = WATCHING_PUSH_SAMPLE.role("docs").orElseThrow();

        assertThat(PushDecision.watches(docs, java.util.Set.of("docs/a/b/c.md"))).isTrue();
        assertThat(PushDecision.watches(docs, java.util.Set.of("sub/README.md"))).isFalse();
        assertThat(PushDecision.watches(docs, java.util.Set.of("docs"))).isFalse();
    }

    @Test
    void shouldRefuseAPushWhoseFieldsAreNotWhatGithubSends() {
        assertThatThrownBy(() -> Push.parse(push().put("after", "HEAD")))
                .isInstanceOf(MalformedPayloadException.class).hasMessage("after is not a commit id: 'HEAD'");
        assertThatThrownBy(() -> Push.parse(push().put("commits", "many")))
                .isInstanceOf(MalformedPayloadException.class).hasMessage("commits is not a list");
        assertThatThrownBy(() -> Push.parse(push().without("repository")))
                .isInstanceOf(MalformedPayloadException.class).hasMessage("repository.full_name is missing or not a string");
    }
}
