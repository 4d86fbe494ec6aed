package io.busbar.routes.cli;

import io.busbar.connectors.http.server.Scope;
import io.busbar.connectors.http.server.TokenStore;
import io.busbar.routes.http.HttpListeners;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code busbar tokens add|list|delete}: the bearer tokens of every HTTP listener (admin API, console, metrics,
 * ingest, read API), stored as salted SHA-256 hashes in {@code <data dir>/http-tokens} (or {@code --store}). A new
 * token is printed once and never stored. Works on a stopped or a running Busbar (the listeners reread the file
 * within a second).
 */
@Command(name = "tokens", mixinStandardHelpOptions = true, scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "Add, list and delete the HTTP listeners' bearer tokens (stored hashed, with scopes).",
        subcommands = { TokensCommand.Add.class, TokensCommand.ListTokens.class, TokensCommand.Delete.class })
public final class TokensCommand {

    /** Where the store is, shared by the subcommands. */
    static class Store {
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:BUSBAR_DATA_DIR:-./data}",
                description = "Busbar's data directory (busbar.data.dir; default env BUSBAR_DATA_DIR or ./data).")
        Path dataDir;

        @Option(names = "--store", paramLabel = "FILE", defaultValue = "${env:BUSBAR_HTTP_TOKEN_STORE}",
                description = "The token file, when busbar.http.token.store names one (default <data dir>/http-tokens).")
        Path store;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        TokenStore open() {
            return TokenStore.open(store != null ? store : HttpListeners.defaultTokenStore(dataDir));
        }
    }

    @Command(name = "add", description = "Issue a token with its scopes; the token is printed once, only its hash is kept.")
    static final class Add extends Store implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "A name for the token (default token-<id>).")
        String name;

        @Option(names = "--scope", paramLabel = "SCOPE", required = true,
                description = "admin, metrics, read:<topic>, write:<topic>; a topic ending in * is a prefix"
                        + " (read:orders.*), * alone every topic. Repeat for several.")
        List<String> scopes = new ArrayList<>();

        @Override
        public Integer call() {
            try {
                List<Scope> parsed = scopes.stream().map(Scope::parse).toList();
                TokenStore tokens = open();
                TokenStore.Issued issued = tokens.add(name, parsed);
                out().println(issued.token());
                out().flush();
                err().println("Token '" + issued.entry().name() + "' (id " + issued.entry().id() + ", scopes "
                        + scopesOf(issued.entry()) + ") stored hashed in " + tokens.file()
                        + ". Copy it now: it is not shown again. Send it as 'Authorization: Bearer <token>'.");
                err().flush();
                return 0;
            } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
                err().println("busbar: " + e.getMessage());
                err().flush();
                return 1;
            }
        }
    }

    @Command(name = "list", description = "List tokens: name, id, scopes, when issued (never the tokens themselves).")
    static final class ListTokens extends Store implements Callable<Integer> {
        @Override
        public Integer call() {
            TokenStore tokens = open();
            Table table = new Table("NAME", "ID", "SCOPES", "CREATED");
            for (TokenStore.Entry e : tokens.entries()) {
                table.row(e.name(), e.id(), scopesOf(e), e.created());
            }
            table.print(out());
            out().flush();
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a token by name or id; requests with it get 401 within a second.")
    static final class Delete extends Store implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME-OR-ID")
        String token;

        @Override
        public Integer call() {
            TokenStore tokens = open();
            if (!tokens.delete(token)) {
                err().println("busbar: No token named '" + token + "' in " + tokens.file() + ": see busbar tokens list");
                err().flush();
                return 1;
            }
            out().println("Deleted token " + token);
            out().flush();
            return 0;
        }
    }

    private static String scopesOf(TokenStore.Entry e) {
        return e.scopes().stream().map(Scope::toString).collect(Collectors.joining(","));
    }
}
