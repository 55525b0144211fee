package io.varve.core.processor;

/**
 * How far a processor's thread has got: the last position it handled, whose commit may
 * still be queued, and when it last moved, which tells a stalled processor from one that
 * had nothing to do.
 *
 * <p>
 * The position is read and moved only under the batch lock: by the thread between its
 * batches, and by the operations that move the processor elsewhere (start, reset).
 */
final class ProcessorProgress {

	private final ProcessorServices services;

	private long handled;

	private volatile long lastProgressMicros;

	ProcessorProgress(ProcessorServices services, long handled) {
		this.services = services;
		this.handled = handled;
		this.lastProgressMicros = services.nowMicros();
	}

	/** The last position handled, committed or queued. */
	long handled() {
		return this.handled;
	}

	/** The processor goes on from a position: it started, or was reset. */
	void restartAt(long position) {
		this.handled = position;
		this.lastProgressMicros = this.services.nowMicros();
	}

	/** Moves the handled position after a batch. */
	void advanced(long checkpoint) {
		if (checkpoint > this.handled) {
			this.handled = checkpoint;
			this.lastProgressMicros = this.services.nowMicros();
		}
	}

	/**
	 * Moves the handled position back to the committed checkpoint after a failed commit,
	 * so that the events after it are handled again; not progress.
	 */
	void rewound(long checkpoint) {
		this.handled = checkpoint;
	}

	/** The thread found nothing after its handled position. */
	void reachedHead() {
		this.lastProgressMicros = this.services.nowMicros();
	}

	/** When the position last moved, or the thread last found nothing to do. */
	long lastProgressMicros() {
		return this.lastProgressMicros;
	}

}
