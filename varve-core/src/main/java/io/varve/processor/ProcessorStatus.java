package io.varve.processor;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A processor's state and progress at one moment.
 *
 * <pre>{@code
 * ProcessorStatus status = varve.processors().status("balances");
 * System.out.println(status.state() + ", " + status.lag() + " events behind, oldest waiting "
 *         + status.oldestUnhandledAge());
 * }</pre>
 *
 * @param name the processor's name
 * @param state its state
 * @param checkpoint the last position it has handled and committed (0 before the first
 * event)
 * @param headPosition the store's head position
 * @param lag events between the checkpoint and the head ({@code headPosition -
 * checkpoint}); exact, because positions are gapless
 * @param oldestUnhandledAge how long ago the event just after the checkpoint was
 * committed; zero when caught up
 * @param eventsHandled events handled since this process registered the processor
 * (including parked ones)
 * @param errors failed handler attempts since this process registered the processor
 * @param lastError the last error, or null
 * @param parkedCount events in the processor's dead-letter list
 */
public record ProcessorStatus(String name, ProcessorState state, long checkpoint, long headPosition, long lag,
		Duration oldestUnhandledAge, long eventsHandled, long errors, @Nullable ProcessorError lastError,
		long parkedCount) {

}
