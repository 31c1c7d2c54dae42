package dev.kiln.infra.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * The floor a Kiln function's start is measured against: a bare handler, put into a copy of the function's own
 * archive, that builds one SDK client of every AWS service in the archive ({@code lib/<service>-<version>.jar}),
 * the way Kiln's functions build theirs ({@code AwsClients.build}), and answers at once. What a function takes
 * beyond it is Kiln's own start: its classes, Jackson, its schemas, its first call.
 */
public final class FloorHandler implements RequestStreamHandler {

    private static final Pattern CLIENT = Pattern.compile("software/amazon/awssdk/services/[a-z0-9]+/[A-Z][A-Za-z0-9]*Client\\.class");

    private final List<Object> clients = new ArrayList<>();

    public FloorHandler() throws Exception {
        List<Class<?>> types = new ArrayList<>();
        Path lib = Path.of(System.getenv().getOrDefault("LAMBDA_TASK_ROOT", ".")).resolve("lib");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, "*.jar")) {
            for (Path jar : jars) {
                for (String name : clientInterfaces(jar)) {
                    Class<?> type = Class.forName(name);
                    if (type.isInterface()) {
                        types.add(type);
                    }
                }
            }
        }
        if (types.isEmpty()) {
            return; // a function that calls no AWS service (its archive has no HTTP client either)
        }
        Method build = Arrays.stream(Class.forName("dev.kiln.common.AwsClients").getMethods())
                .filter(method -> method.getName().equals("build")).findFirst().orElseThrow();
        for (Class<?> type : types) {
            clients.add(build.invoke(null, type.getMethod("builder").invoke(null)));
        }
    }

    private static List<String> clientInterfaces(Path jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                String entry = entries.nextElement().getName();
                if (CLIENT.matcher(entry).matches() && !entry.contains("Async")) {
                    names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
                }
            }
        }
        return names;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        output.write(("{\"clients\": " + clients.size() + "}").getBytes(StandardCharsets.UTF_8));
    }
}
