package io.varve.test;

import java.util.List;

import org.assertj.core.api.AbstractAssert;

import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.UnknownProcessorException;

/**
 * Assertions on a Varve store; see {@link VarveAssertions}.
 */
public final class VarveAssert extends AbstractAssert<VarveAssert, Varve> {

	/** Most events read for an assertion on a stream or the log. */
	static final int MAX_EVENTS = 100_000;

	VarveAssert(Varve varve) {
		super(varve, VarveAssert.class);
	}

	/**
	 * Assertions on one stream's events, read now.
	 * @param stream the stream
	 * @return the assertions
	 */
	public StreamAssert stream(String stream) {
		isNotNull();
		List<RecordedEvent> events;
		try (var scan = this.actual.scanStream(stream, 1)) {
			events = scan.limit(MAX_EVENTS).toList();
		}
		return new StreamAssert(stream, events);
	}

	/**
	 * Assertions on the global log, read now.
	 * @return the assertions
	 */
	public LogAssert log() {
		isNotNull();
		List<RecordedEvent> events;
		try (var scan = this.actual.scanAll(1, io.varve.EventFilter.all())) {
			events = scan.limit(MAX_EVENTS).toList();
		}
		return new LogAssert(this.actual.headPosition(), events);
	}

	/**
	 * Assertions on a processor's status, read now.
	 * @param name the processor's name
	 * @return the assertions
	 */
	public ProcessorAssert processor(String name) {
		isNotNull();
		ProcessorStatus status;
		try {
			status = this.actual.processors().status(name);
		}
		catch (UnknownProcessorException ex) {
			failWithMessage("Expected a processor named '%s', but the store has %s", name,
					this.actual.processors().names());
			throw ex;
		}
		return new ProcessorAssert(status, new VarveTester(this.actual));
	}

}
