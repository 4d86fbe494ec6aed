package io.busbar.routes.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.BusException;
import io.busbar.routes.admin.Json;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Base of every administration subcommand: connects to the target, runs, prints errors as
 * {@code busbar: <message>} and exits 1 on them (picocli exits 2 on bad usage).
 */
abstract class AdminCommand implements Callable<Integer> {

    @Mixin
    AdminTarget target;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        try (AdminClient client = target.connect()) {
            run(client);
            return 0;
        } catch (AdminCallException | BusException e) {
            err().println("busbar: " + e.getMessage());
            err().flush();
            return 1;
        } finally {
            out().flush();
        }
    }

    abstract void run(AdminClient client);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints the JSON when --json was given; returns true if it did. */
    boolean printedJson(JsonNode json) {
        if (!target.json) {
            return false;
        }
        try {
            out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot print JSON", e);
        }
        return true;
    }
}
