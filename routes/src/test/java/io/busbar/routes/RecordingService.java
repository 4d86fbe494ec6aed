package io.busbar.routes;

import io.busbar.bus.Bus;
import io.busbar.bus.BusRecord;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link BusbarService} found through {@code META-INF/services} of the test class path: it records its lifecycle
 * and writes to the bus at start and at stop, which works only if the bus is open at both moments.
 */
public class RecordingService implements BusbarService {

    static final ConfigKey LABEL = ConfigKey.string("busbar.recording.label", "rec", "Label of the test service.");
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    private Bus bus;
    private String label;

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(LABEL);
    }

    @Override
    public void start(ServiceContext context) throws Exception {
        bus = context.bus();
        label = context.settings().get(LABEL);
        bus.producer().send("service-events", BusRecord.of(label, "started")).get();
        EVENTS.add("start " + label);
    }

    @Override
    public void stop() throws Exception {
        bus.producer().send("service-events", BusRecord.of(label, "stopping")).get();
        EVENTS.add("stop " + label);
    }

    @Override
    public List<String> endpoints() {
        return List.of("test://" + label);
    }
}
