package io.busbar.connectors.bus;

import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;

/**
 * Which consumers see a replayed dead letter: {@code busbar dlq replay} writes it back to the original topic with
 * header {@link BusConstants#REPLAY_GROUP_ID} naming the group (pipeline) that failed; every other group skips it and
 * commits past it. Used by every sink that reads the bus (the {@code bus:} consumer, the JDBC sink), one rule.
 */
public final class ReplayedDeadLetters {

    private ReplayedDeadLetters() {
    }

    /** Whether {@code record} is a dead letter replayed for a group other than {@code groupId}. */
    public static boolean isForAnotherGroup(ConsumedRecord record, String groupId) {
        for (Header h : record.headers()) {
            if (h.key().equals(BusConstants.REPLAY_GROUP_ID)) {
                return !h.valueAsString().equals(groupId);
            }
        }
        return false;
    }
}
