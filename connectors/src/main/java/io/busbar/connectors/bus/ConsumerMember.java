package io.busbar.connectors.bus;

/** One member of a {@code bus:} consumer's group, run on its own thread: {@link BusPoller} or {@link ExactlyOncePoller}. */
interface ConsumerMember extends Runnable {

    /** Asks the member to stop; it finishes its in-flight work, commits and leaves the group. Any thread. */
    void stop();

    boolean awaitFinished(long timeoutMs) throws InterruptedException;
}
