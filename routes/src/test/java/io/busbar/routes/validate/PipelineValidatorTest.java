package io.busbar.routes.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks of every kamelet and bus: parameter, on real pipeline files and the kamelets shipped in connectors. */
class PipelineValidatorTest {

    @TempDir
    Path dir;

    private List<Problem> validate(Set<String> properties, Path... files) {
        return new PipelineValidator(getClass().getClassLoader(), properties).validate(List.of(files), List.of());
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void aMisspeltKameletParameterIsNamedWithItsFileLineRouteAndTheClosestValidName() throws Exception {
        Path file = write("orders-in.yaml", """
                - route:
                    id: orders-in
                    from:
                      uri: kamelet:file-source
                      parameters:
                        directory: inbox
                        topic: orders
                        fromat: csv
                      steps:
                        - to: "log:x"
                """);

        List<Problem> problems = validate(Set.of(), file);

        assertThat(problems).hasSize(1);
        Problem p = problems.get(0);
        assertThat(p.file()).isEqualTo(file);
        assertThat(p.line()).isEqualTo(8);
        assertThat(p.route()).isEqualTo("orders-in");
        assertThat(p.parameter()).isEqualTo("fromat");
        assertThat(p.toString()).startsWith(file + ":8: route orders-in: ")
                .contains("kamelet:file-source has no parameter 'fromat': did you mean format?");
    }

    @Test
    void aValueOfTheWrongTypeOrOutsideTheEnumNamesTheParameterAndTheExpectedType() throws Exception {
        Path file = write("p.yaml", """
                - route:
                    id: r
                    from:
                      uri: "kamelet:file-source?directory=in&topic=t&batchRecords=lots"
                      parameters:
                        header: maybe
                        format: xml
                        delay: "{{app.delay}}"
                      steps:
                        - to: "bus:out?partitions=two&autoCreateTopic=true"
                """);

        List<Problem> problems = validate(Set.of(), file);

        assertThat(problems).extracting(Problem::message).containsExactly(
                "parameter batchRecords of kamelet:file-source is 'lots': expected an integer",
                "parameter header of kamelet:file-source is 'maybe': expected true or false",
                "parameter format of kamelet:file-source is 'xml': expected one of whole, lines, csv, jsonl",
                "parameter partitions of bus: is 'two': expected an integer");
        assertThat(problems).extracting(Problem::line).containsExactly(4, 6, 7, 10);
    }

    @Test
    void aMissingRequiredParameterNamesTheFileAndRouteUnlessASettingGivesIt() throws Exception {
        Path file = write("db.yaml", """
                - route:
                    id: shop
                    from:
                      uri: kamelet:jdbc-source
                      parameters:
                        jdbcUrl: "jdbc:h2:mem:x"
                        table: orders
                        topic: orders
                      steps:
                        - to: "log:x"
                """);

        List<Problem> problems = validate(Set.of(), file);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.toString()).isEqualTo(file + ":4: route shop: kamelet:jdbc-source needs parameter 'connectorId'"
                    + " (required): add it under parameters:");
            assertThat(p.parameter()).isEqualTo("connectorId");
        });

        assertThat(validate(Set.of("camel.kamelet.jdbc-source.connectorId"), file)).isEmpty();
        assertThat(validate(Set.of("camel.kamelet.jdbc-source.shop.connectorId"), file)).isEmpty();
    }

    @Test
    void anUnknownKameletListsTheAvailableOnesAndAUserKameletBesideThePipelinesIsKnown() throws Exception {
        Path pipeline = write("p.yaml", """
                - route:
                    id: greet
                    from:
                      uri: "timer:t"
                      steps:
                        - to: kamelet:file-sinc
                        - to:
                            uri: kamelet:greeting-sink
                            parameters:
                              greeting: hi
                              loud: yes
                """);

        List<Problem> problems = validate(Set.of(), pipeline);
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0).message()).startsWith("unknown kamelet 'file-sinc': did you mean file-sink? Available: ")
                .contains("file-source", "http-sink", "jdbc-source");
        assertThat(problems.get(1).message()).startsWith("unknown kamelet 'greeting-sink'");

        Path kamelet = write("greeting-sink.kamelet.yaml", """
                apiVersion: camel.apache.org/v1
                kind: Kamelet
                metadata:
                  name: greeting-sink
                spec:
                  definition:
                    required: [greeting]
                    properties:
                      greeting: {type: string}
                      loud: {type: boolean, default: false}
                  template:
                    from:
                      uri: kamelet:source
                      steps:
                        - log: "{{greeting}}"
                """);
        // the user kamelet is known now, and its parameters are checked against its spec
        assertThat(validate(Set.of(), pipeline, kamelet)).extracting(Problem::message).hasSize(2)
                .satisfies(m -> assertThat(m.get(0)).startsWith("unknown kamelet 'file-sinc'").contains("greeting-sink"))
                .satisfies(m -> assertThat(m.get(1)).isEqualTo("parameter loud of kamelet:greeting-sink is 'yes': expected true or false"));
    }

    @Test
    void busEndpointsAreCheckedAndAConsumerNeedsAGroup() throws Exception {
        Path file = write("copy.yaml", """
                - route:
                    id: copy
                    from:
                      uri: bus:in
                      parameters:
                        maxInflight: 4
                      steps:
                        - to: "bus:out?valueFormat=json&lazyStartProducer=true"
                """);

        List<Problem> problems = validate(Set.of(), file);

        assertThat(problems).extracting(Problem::message).containsExactly(
                "bus: has no parameter 'maxInflight': did you mean maxInFlight? Its parameters: "
                        + String.join(", ", BusParameters.SPEC.documentedNames()),
                "consuming bus:in needs a consumer group: add groupId (e.g. ?groupId=billing or under parameters:)");
    }

    @Test
    void javaDslRoutesAreCheckedToo() throws Exception {
        Path file = write("Copier.java", """
                import org.apache.camel.builder.RouteBuilder;

                public class Copier extends RouteBuilder {
                    @Override
                    public void configure() {
                        from("bus:in?groupId=copier&concurency=2").routeId("copier")
                            .to("kamelet:file-sink?topic=x&groupId=g&directory=out&format=jsonl");
                        String inbox = "in";
                        // built by concatenation: the names are checked, what is required may come later
                        from("kamelet:file-source?directory=" + inbox + "&topic=t").routeId("reader")
                            .to("kamelet:file-sink?fromat=" + inbox);
                    }
                }
                """);

        List<Problem> problems = validate(Set.of(), file);

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).satisfies(p -> {
            assertThat(p.line()).isEqualTo(6);
            assertThat(p.route()).isEqualTo("copier");
            assertThat(p.message()).startsWith("bus: has no parameter 'concurency': did you mean concurrency?");
        });
        assertThat(problems.get(1).message()).startsWith("kamelet:file-sink has no parameter 'fromat': did you mean format?");
    }

    @Test
    void yamlThatDoesNotParseIsReportedWithItsLine() throws Exception {
        Path file = write("broken.yaml", """
                - route:
                    from:
                      uri: "timer:x
                """);

        assertThat(validate(Set.of(), file)).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("not valid YAML");
            assertThat(p.line()).isPositive();
        });
    }

    @Test
    void theShippedSamplesAreValid() {
        Path samples = Path.of("../samples").toAbsolutePath().normalize();
        for (String sample : List.of("quickstart", "csv-to-jsonl", "http-ingest", "orders-db")) {
            try (var files = Files.list(samples.resolve(sample))) {
                List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
                assertThat(yaml).as(sample).isNotEmpty();
                assertThat(new PipelineValidator(getClass().getClassLoader(), Set.of()).validate(yaml, List.of()))
                        .as(sample).isEmpty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
