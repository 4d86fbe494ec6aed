package io.busbar.routes.validate;

import java.util.List;
import java.util.stream.Collectors;

/** Pipeline files that would not run as written; the message lists every {@link Problem}, one per line. */
public class InvalidPipelineException extends RuntimeException {

    private final transient List<Problem> problems;

    public InvalidPipelineException(List<Problem> problems) {
        super(problems.size() + " problem(s) in the pipelines:" + System.lineSeparator() + problems.stream()
                .map(p -> "  " + p).collect(Collectors.joining(System.lineSeparator())));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
