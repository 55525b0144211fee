package io.varve.core.processor;

import java.util.HashMap;
import java.util.Map;

import io.varve.core.storage.ReadTxn;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;

/**
 * The streams a {@link io.varve.processor.ErrorPolicy#PARK_STREAM} processor holds back:
 * each with the position of its parked event, and how many events are held in all. Read
 * from the processor's parked entries when its loop starts or rewinds, kept up to date by
 * its batches; only the processor's thread (or an operation holding its batch lock)
 * touches it.
 */
final class StreamHolds {

	private final Map<String, Long> parkedByStream = new HashMap<>();

	private volatile long held;

	/** Reads the holds from the committed parked entries. */
	void load(ReadTxn txn, String processor) {
		this.parkedByStream.clear();
		long count = 0;
		for (ParkedEvent entry : ProcessorTables.parked(txn, processor, 0, Integer.MAX_VALUE)) {
			if (entry.held()) {
				count++;
			}
			else {
				this.parkedByStream.putIfAbsent(entry.stream(), entry.position());
			}
		}
		this.held = count;
	}

	/**
	 * Back to the holds as committed, dropping what uncommitted batches noted; nothing
	 * for processors under another error policy.
	 */
	void reload(ProcessorServices services, ProcessorDefinition definition) {
		if (definition.errorPolicy() == ErrorPolicy.PARK_STREAM) {
			services.read((txn) -> {
				load(txn, definition.name());
				return null;
			});
		}
	}

	/** The position of the stream's parked event, or -1 when it is not held back. */
	long parkedPosition(String stream) {
		Long position = this.parkedByStream.get(stream);
		return (position != null) ? position : -1;
	}

	/** Notes a parked event: its stream is held back from now on. */
	void parked(String stream, long position) {
		this.parkedByStream.putIfAbsent(stream, position);
	}

	/** Notes an event held back. */
	void held() {
		this.held++;
	}

	/** Events held back in all. */
	long heldCount() {
		return this.held;
	}

}
