package dev.kiln.githubwebhook;

import dev.kiln.common.config.KilnConfig;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which roles a push bakes, and why. Changed paths are the union over the pushed commits, matched
 * to roles by their watch globs; when the push cannot prove what changed (a new branch, a forced
 * push, lists at GitHub's limits), every role is baked and the answer says why.
 *
 * <p>A role whose parent (or any ancestor) is baked by the same push is not started at once: it is
 * re-baked at this commit when its parent's new image is published (bake-children), so that it holds
 * both changes and is baked once.
 *
 * @param accepted  true when at least one role is to be baked
 * @param reason    for people reading GitHub's "Recent Deliveries"
 * @param roles     every role this push bakes
 * @param startNow  the roles among them whose bakes start now; the others follow their parent's
 * @param failSafe  why every role is baked, when the push could not prove what changed
 */
public record PushDecision(boolean accepted, String reason, List<String> roles, List<String> startNow,
                           List<String> changedPaths, String failSafe) {

    /** GitHub lists at most this many commits in a push delivery (its documentation says 2,048). */
    static final int COMMIT_LIMIT = 2048;
    /** GitHub lists at most this many files per added/modified/removed list (documented: 3,000; 5,000 elsewhere). */
    static final int FILE_LIMIT = 3000;

    public PushDecision {
        roles = List.copyOf(roles);
        startNow = List.copyOf(startNow);
        changedPaths = List.copyOf(changedPaths);
    }

    static PushDecision ignored(String reason) {
        return new PushDecision(false, reason, List.of(), List.of(), List.of(), null);
    }

    public static PushDecision decide(KilnConfig config, Push push) {
        KilnConfig.Repository repository = config.repository();
        if (!push.repository().equalsIgnoreCase(repository.fullName())) {
            return ignored("pushes to " + push.repository() + " are not baked: Kiln watches " + repository.fullName());
        }
        if (push.ref().startsWith("refs/tags/")) {
            return ignored("a tag push (" + push.ref() + "): tags bake nothing");
        }
        if (!push.ref().equals("refs/heads/" + repository.branch())) {
            return ignored("a push to " + push.ref() + ": Kiln bakes pushes to refs/heads/" + repository.branch());
        }
        if (push.deleted()) {
            return ignored("the branch was deleted: nothing to bake");
        }
        Set<String> changed = new TreeSet<>();
        boolean atFileLimit = false;
        for (Push.Commit commit : push.commits()) {
            for (List<String> paths : List.of(commit.added(), commit.modified(), commit.removed())) {
                changed.addAll(paths);
                atFileLimit |= paths.size() >= FILE_LIMIT;
            }
        }
        String failSafe = failSafe(push, atFileLimit);
        List<String> roles = config.roles().stream()
                .filter(role -> failSafe != null || watches(role, changed))
                .map(KilnConfig.Role::name)
                .toList();
        if (roles.isEmpty()) {
            return new PushDecision(false, "no watched path changed (" + changed.size() + " paths): nothing to bake",
                    List.of(), List.of(), List.copyOf(changed), null);
        }
        String reason = failSafe != null
                ? "baking every role to be safe: " + failSafe
                : "baking the roles whose watched paths changed";
        List<String> startNow = roles.stream()
                .filter(role -> config.ancestors(role).stream().noneMatch(roles::contains))
                .toList();
        return new PushDecision(true, reason, roles, startNow, List.copyOf(changed), failSafe);
    }

    private static String failSafe(Push push, boolean atFileLimit) {
        if (push.created() || Push.NO_COMMIT.equals(push.before())) {
            return "a new branch, so the push does not say what changed against what was there before";
        }
        if (push.forced()) {
            return "a forced push rewrote history, so the listed commits may not be all that changed";
        }
        if (push.commits().size() >= COMMIT_LIMIT) {
            return "the push lists " + push.commits().size() + " commits, GitHub's limit, so some may be missing";
        }
        if (atFileLimit) {
            return "a commit lists " + FILE_LIMIT + " or more files, GitHub's limit, so some may be missing";
        }
        if (push.commits().isEmpty()) {
            return "the push lists no commits, so it cannot say what changed";
        }
        return null;
    }

    static boolean watches(KilnConfig.Role role, Set<String> changed) {
        for (String glob : role.watch()) {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            for (String path : changed) {
                try {
                    if (matcher.matches(Path.of(path))) {
                        return true;
                    }
                } catch (InvalidPathException notAPath) {
                    // a path this file system cannot hold matches no glob
                }
            }
        }
        return false;
    }
}
