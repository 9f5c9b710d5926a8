package dev.forewarn.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.server.configuration.ConfigurableServerModules;
import org.neo4j.server.configuration.ServerSettings;

/**
 * Starts a real Neo4j 5.26 Community server in this JVM (the neo4j-harness in-process server, which
 * is the same server code with its HTTP connector and Query API), with authentication ON, on
 * 127.0.0.1. Prints one line "READY &lt;http url&gt;" once the Query API answers an authenticated
 * {@code RETURN 1}; stops cleanly on SIGTERM/SIGINT, on stdin EOF (--stop-on-stdin-eof) or when a
 * watched process ends (--watch-pid). The harness deletes its folder under --dir on close.
 *
 * <p>By default the database files live in that folder too, so they go with it. With --data DATA
 * they live in DATA instead (Neo4j's server.directories.data: databases, transaction logs, the
 * system database with the users), which the harness never deletes: a later start with the same
 * --data (and the same password) resumes the same databases, e.g. to test a client across a
 * server restart. The initial password is only changed on a fresh DATA; on kept data the password
 * must be the one it was created with.
 *
 * <pre>
 * FOREWARN_NEO4J_PASSWORD=... java [JVM flags] -cp ... dev.forewarn.neo4j.Launcher
 *     --dir DIR [--data DATA] [--port N (0: any free port)] [--watch-pid PID] [--stop-on-stdin-eof]
 *     [--print-env]
 * </pre>
 */
public final class Launcher {
    private static final String USER = "neo4j";
    private static final String INITIAL_PASSWORD = "neo4j";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Path dir = null;
        Path data = null;
        int port = 0;
        long watchPid = -1;
        boolean stopOnStdinEof = false;
        boolean printEnv = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--data" -> data = Path.of(args[++i]).toAbsolutePath();
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--watch-pid" -> watchPid = Long.parseLong(args[++i]);
                case "--stop-on-stdin-eof" -> stopOnStdinEof = true;
                case "--print-env" -> printEnv = true;
                default -> fail("unknown argument: " + args[i]);
            }
        }
        if (dir == null) fail("--dir is required");
        String password = System.getenv("FOREWARN_NEO4J_PASSWORD");
        if (password == null || password.length() < 8 || password.equals(INITIAL_PASSWORD)) {
            fail("set FOREWARN_NEO4J_PASSWORD to a password of at least 8 characters");
        }
        Files.createDirectories(dir);
        // kept data: the system database already holds the changed password
        boolean kept = data != null && Files.isDirectory(data.resolve("databases"));
        if (data != null) Files.createDirectories(data);

        long t0 = System.nanoTime();
        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(dir);
        // (the harness points neo4j_home at its random folder, deleted on close; the data
        // directory is home/data unless set)
        if (data != null) builder.withConfig(GraphDatabaseSettings.data_directory, data);
        Neo4j neo4j = builder
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .withConfig(HttpConnector.enabled, true)
                .withConfig(HttpConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(HttpConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .withConfig(HttpsConnector.enabled, false)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
                .withConfig(ServerSettings.http_enabled_modules,
                        EnumSet.allOf(ConfigurableServerModules.class))
                // a test server: no 256 MB of preallocated transaction log per database
                .withConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // the harness's default page cache is 8 MB; enough room for a benchmark's store
                .withConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
                // and no 2 x 5 s netty quiet period when it stops (the Bolt server's two event loops)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                neo4j.close();
            } finally {
                log("STOPPED");
                stopped.countDown();
            }
        }, "forewarn-neo4j-shutdown"));

        String base = "http://127.0.0.1:" + neo4j.httpURI().getPort();
        try {
            if (!kept) setPassword(base, password);
            checkQueryApi(base, password);
        } catch (Exception e) {
            System.err.println("forewarn-neo4j: the Query API did not answer as expected: " + e.getMessage());
            if (kept) {
                System.err.println("forewarn-neo4j: the database files in " + data + " were kept from an earlier"
                        + " start: FOREWARN_NEO4J_PASSWORD must be the password they were created with");
            }
            System.exit(1);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("READY " + base + " bolt=" + neo4j.boltURI() + " startup_ms=" + ms
                + " pid=" + ProcessHandle.current().pid());
        if (printEnv) {
            System.out.println();
            System.out.println("Neo4j 5.26 Community is running (Ctrl-C stops it and "
                    + (data != null ? "keeps its data in " + data : "deletes its data") + "). Use:");
            System.out.println("  export NEO4J_URI=" + base);
            System.out.println("  export NEO4J_USERNAME=" + USER);
            System.out.println("  export NEO4J_PASSWORD=" + password);
            System.out.println("  export NEO4J_DATABASE=neo4j");
        }
        System.out.flush();

        if (stopOnStdinEof) {
            daemon("forewarn-neo4j-stdin", () -> {
                try (InputStream in = System.in) {
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) { /* discard */ }
                } catch (IOException ignored) {
                    // treat as EOF
                }
                log("stdin closed, stopping");
                System.exit(0);
            });
        }
        if (watchPid > 0) {
            long pid = watchPid;
            daemon("forewarn-neo4j-watch", () -> {
                while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    sleep(1000);
                }
                log("watched process " + pid + " ended, stopping");
                System.exit(0);
            });
        }
        stopped.await();
    }

    /**
     * With auth on, the harness's server creates user neo4j with the expired password "neo4j".
     * Change it through the Query API itself, as a client of a fresh server would.
     */
    private static void setPassword(String base, String password) throws Exception {
        String stmt = "ALTER CURRENT USER SET PASSWORD FROM $old TO $new";
        String body = "{\"statement\":" + json(stmt) + ",\"parameters\":{\"old\":" + json(INITIAL_PASSWORD)
                + ",\"new\":" + json(password) + "}}";
        HttpResponse<String> r = post(base + "/db/system/query/v2", INITIAL_PASSWORD, body);
        if (r.statusCode() >= 300 || r.body().contains("\"errors\"")) {
            throw new IOException("ALTER CURRENT USER: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static void checkQueryApi(String base, String password) throws Exception {
        HttpResponse<String> d = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/"))
                        .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (d.statusCode() != 200 || !d.body().contains("\"query\"")) {
            throw new IOException("GET /: HTTP " + d.statusCode() + " " + d.body());
        }
        HttpResponse<String> r = post(base + "/db/neo4j/query/v2", password, "{\"statement\":\"RETURN 1 AS one\"}");
        if (r.statusCode() >= 300 || !r.body().contains("\"values\":[[1]]")) {
            throw new IOException("RETURN 1: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static HttpResponse<String> post(String url, String password, String body) throws Exception {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .header("Authorization", "Basic " + auth)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void log(String msg) {
        PrintStream err = System.err;
        err.println("forewarn-neo4j: " + msg);
        err.flush();
    }

    private static void fail(String msg) {
        System.err.println("forewarn-neo4j: " + msg);
        System.exit(2);
    }
}
