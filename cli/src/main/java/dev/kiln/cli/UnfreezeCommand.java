package dev.kiln.cli;

import dev.kiln.common.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kiln unfreeze GROUP}: removes the group's kiln:freeze tag; the next rotation takes it again. */
@Command(name = "unfreeze", mixinStandardHelpOptions = true, description = "Let rotations take a frozen group again.")
final class UnfreezeCommand implements Callable<Integer> {

    @ParentCommand
    Kiln kiln;

    @Parameters(paramLabel = "GROUP", description = "an Auto Scaling group tagged kiln:role")
    String group;

    @Override
    public Integer call() {
        String was = Fleet.group(kiln, group).tags().get(Fleet.FREEZE);
        if (was != null) {
            kiln.context().cloud().untagGroup(group, Fleet.FREEZE);
        }
        Console console = kiln.console();
        if (console.json()) {
            console.result(Json.MAPPER.createObjectNode().put("group", group).put("was", was).toString());
        } else {
            console.line(was == null ? "kiln: " + group + " was not frozen; nothing changed"
                    : "kiln: unfroze " + group + " (kiln:freeze was " + was + "): the next rotation takes it");
        }
        return 0;
    }
}
