package io.busbar.connectors.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.busbar.bus.Bus;
import io.busbar.connectors.bus.BusComponent;
import io.busbar.connectors.position.PositionStore;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The file source's step after Camel's file consumer (which watches the directory, filters names and waits for
 * files to be complete): streams the picked file into the topic ({@link FileIngestion}), then moves it to the
 * done folder (or deletes it), or to the error folder with a reason file beside it.
 *
 * <p>A file leaves the directory only once all its records are durable in the topic, and its position is stored
 * after each durable batch, so a restart resumes where the last batch ended. Errors of the bus (not of the file)
 * are thrown: Camel rolls the exchange back and the file is picked up again and resumed on the next poll.
 *
 * <p>Thread-safety: Camel's file consumer calls this from its single polling thread; the kamelet creates one
 * instance per source. Not safe for concurrent use by several consumers.
 */
public class FileSourceProcessor extends ServiceSupport implements Processor, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(FileSourceProcessor.class);

    /** Exchange header: records the file sent to the topic. */
    public static final String RECORDS_HEADER = "busbar.file.records";
    /** Exchange header: malformed records sent to the dead-letter topic. */
    public static final String DEAD_LETTERS_HEADER = "busbar.file.deadLetters";
    /** Exchange header: where the file went (done or error folder, or "deleted"). */
    public static final String OUTCOME_HEADER = "busbar.file.outcome";

    private final FileSourceConfiguration configuration = new FileSourceConfiguration();
    private final FileDisposal disposal = new FileDisposal();
    private final ObjectMapper mapper = FileJson.newMapper();
    private CamelContext camelContext;
    private Bus bus;
    private PositionStore positionStore;
    private SourcePositions positions;
    private boolean validated;

    @Override
    public void process(Exchange exchange) throws Exception {
        if (!validated) {
            configuration.validate();
            validated = true;
        }
        GenericFile<?> picked = exchange.getIn().getBody(GenericFile.class);
        if (picked == null) {
            throw new IllegalArgumentException("The file source expects exchanges from Camel's file consumer"
                    + " (from: file:<directory>); got a " + exchange.getIn().getBody().getClass().getName());
        }
        Path directory = Path.of(picked.getEndpointPath()).toAbsolutePath().normalize();
        Path file = Path.of(picked.getAbsoluteFilePath());
        String relative = directory.relativize(file.toAbsolutePath().normalize()).toString();
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        SourcePositions filePositions = positions(directory);
        FileIngestion ingestion = new FileIngestion(configuration, bus(), filePositions, mapper, file, relative,
                attributes.size(), attributes.lastModifiedTime().toMillis());
        try {
            FileIngestion.Result result = ingestion.run();
            exchange.getIn().setHeader(RECORDS_HEADER, result.records());
            exchange.getIn().setHeader(DEAD_LETTERS_HEADER, result.deadLetters());
            exchange.getIn().setHeader(OUTCOME_HEADER, disposal.done(file));
            filePositions.forgetIfGone(relative, file);
        } catch (FileParseException e) {
            LOG.warn("File {} could not be read into topic {}: {}", file, configuration.getTopic(), e.getMessage());
            exchange.getIn().setHeader(OUTCOME_HEADER, disposal.failed(file, e.getMessage()));
            filePositions.remove(relative);
        }
    }

    private SourcePositions positions(Path directory) {
        if (positions == null) {
            String id = configuration.getConnectorId() != null ? configuration.getConnectorId()
                    : "file-source:" + directory + "->" + configuration.getTopic();
            positions = new SourcePositions(positionStore(), id, directory, mapper);
        }
        return positions;
    }

    private synchronized PositionStore positionStore() {
        if (positionStore == null) {
            positionStore = new PositionStore(bus());
        }
        return positionStore;
    }

    private synchronized Bus bus() {
        if (bus == null) {
            bus = camelContext.getComponent("bus", BusComponent.class).resolveBus();
        }
        return bus;
    }

    @Override
    protected void doInit() {
        configuration.validate();
        validated = true;
    }

    @Override
    protected synchronized void doStop() throws IOException {
        if (positionStore != null) {
            positionStore.close();
            positionStore = null;
            positions = null;
        }
    }

    public FileSourceConfiguration getConfiguration() { return configuration; }
    public FileDisposal getDisposal() { return disposal; }
    public void setBus(Bus bus) { this.bus = bus; }

    // Flat setters so a kamelet bean (or a Java route) can configure the source with plain properties.
    public void setTopic(String v) { configuration.setTopic(v); }
    public void setFormat(String v) { configuration.setFormat(v); }
    public void setCharset(String v) { configuration.setCharset(v); }
    public void setDelimiter(String v) { configuration.setDelimiter(v); }
    public void setQuote(String v) { configuration.setQuote(v); }
    public void setHeader(boolean v) { configuration.setHeader(v); }
    public void setKeyField(String v) { configuration.setKeyField(v); }
    public void setOnMalformed(String v) { configuration.setOnMalformed(v); }
    public void setDeadLetterTopic(String v) { configuration.setDeadLetterTopic(v); }
    public void setBatchRecords(int v) { configuration.setBatchRecords(v); }
    public void setMaxRecordBytes(int v) { configuration.setMaxRecordBytes(v); }
    public void setConnectorId(String v) { configuration.setConnectorId(v); }
    public void setCsvColumnTypes(String v) { configuration.setCsvColumnTypes(v); }
    public void setCsvInferTypes(boolean v) { configuration.setCsvInferTypes(v); }
    public void setDoneDirectory(String v) { disposal.setDoneDirectory(v); }
    public void setErrorDirectory(String v) { disposal.setErrorDirectory(v); }
    public void setDeleteDone(boolean v) { disposal.setDeleteDone(v); }
    public void setDoneFileName(String v) { disposal.setDoneFileName(v); }

    @Override
    public CamelContext getCamelContext() { return camelContext; }
    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }
}
