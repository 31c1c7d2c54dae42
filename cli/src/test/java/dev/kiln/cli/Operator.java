package dev.kiln.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.ZoneOffset;

/** A person at the command line, in a test: a fake AWS, a clock 90 s after FakeCloud.START, no terminal, no waiting. */
final class Operator {

    final FakeCloud cloud = new FakeCloud();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    /** GitHub, which only a bake without --sha asks. */
    BranchHeads heads = (repository, token) -> {
        throw new AssertionError("the command asked GitHub");
    };

    int kiln(String... args) {
        Kiln.Context context = new Kiln.Context(cloud, heads, Clock.fixed(FakeCloud.START.plusSeconds(90), ZoneOffset.UTC), false,
                duration -> { }, "hana");
        return Kiln.run(context, new PrintWriter(out, true), new PrintWriter(err, true), args);
    }
}
