package io.varve.boot.observation;

import org.jspecify.annotations.Nullable;

import io.micrometer.observation.transport.ReceiverContext;

import io.varve.RecordedEvent;
import io.varve.VarveException;

/**
 * The context of a processor handler invocation's observation. Its carrier is the event:
 * a tracing handler reads the trace context the append stored in the event's metadata, so
 * the handler's work joins the trace of the request that appended the event.
 */
public class VarveHandlerContext extends ReceiverContext<RecordedEvent> {

	private final String processor;

	private final RecordedEvent event;

	/**
	 * Creates the context of a handler invocation.
	 * @param processor the processor's name
	 * @param event the event handled
	 */
	public VarveHandlerContext(String processor, RecordedEvent event) {
		super(VarveHandlerContext::entry);
		this.processor = processor;
		this.event = event;
		setCarrier(event);
		setRemoteServiceName("varve");
	}

	/** The processor's name. */
	public String getProcessor() {
		return this.processor;
	}

	/** The event handled. */
	public RecordedEvent getEvent() {
		return this.event;
	}

	private static @Nullable String entry(@Nullable RecordedEvent event, String key) {
		if (event == null || !event.hasMetadata()) {
			return null;
		}
		try {
			Object value = event.metadata().get(key);
			return (value instanceof String text) ? text : null;
		}
		catch (VarveException ex) {
			// Metadata that is not a map carries no trace context.
			return null;
		}
	}

}
