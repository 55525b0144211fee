package io.varve.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.varve.Varve;
import io.varve.processor.ProcessorError;
import io.varve.processor.ProcessorFailedException;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.ProcessorTimeoutException;

/**
 * Waits for processors without sleeping: each wait returns as soon as the processors'
 * committed checkpoints reach the store's head as it was when the wait began, so that
 * what the test appended before is in their projections. A wait that times out, or a
 * processor that fails, is an {@link AssertionError} saying which processors are behind,
 * by how much, and their last errors.
 *
 * <pre class="code">
 * varve.append("account-1", ExpectedVersion.noStream(), new Deposited(100));
 * tester.awaitProcessors();
 * assertThat(balances.of("account-1")).isEqualTo(100);
 * </pre>
 */
public final class VarveTester {

	/** How long a wait lasts at most unless told otherwise. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	private final Varve varve;

	/**
	 * @param varve the store
	 */
	public VarveTester(Varve varve) {
		this.varve = varve;
	}

	/** The store. */
	public Varve varve() {
		return this.varve;
	}

	/**
	 * Waits until every running processor has handled the store's head as it is now.
	 * Processors that are stopped or paused are not waited for.
	 */
	public void awaitProcessors() {
		awaitProcessors(DEFAULT_TIMEOUT);
	}

	/**
	 * Waits until every running processor has handled the store's head as it is now.
	 * @param timeout how long to wait at most
	 */
	public void awaitProcessors(Duration timeout) {
		long head = this.varve.headPosition();
		ProcessorRegistry processors = this.varve.processors();
		long deadline = System.nanoTime() + timeout.toNanos();
		for (ProcessorStatus status : processors.statuses()) {
			if (status.state() == ProcessorState.STOPPED || status.state() == ProcessorState.PAUSED) {
				continue;
			}
			await(status.name(), head, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), timeout);
		}
	}

	/**
	 * Waits until one processor has handled the store's head as it is now.
	 * @param name the processor's name
	 */
	public void awaitProcessor(String name) {
		awaitProcessor(name, DEFAULT_TIMEOUT);
	}

	/**
	 * Waits until one processor has handled the store's head as it is now.
	 * @param name the processor's name
	 * @param timeout how long to wait at most
	 */
	public void awaitProcessor(String name, Duration timeout) {
		await(name, this.varve.headPosition(), timeout, timeout);
	}

	private void await(String name, long head, Duration left, Duration timeout) {
		try {
			this.varve.processors().awaitProcessed(name, head, left);
		}
		catch (ProcessorTimeoutException ex) {
			throw new AssertionError(
					"Processors did not reach position " + head + " within " + timeout + ":\n" + describe(head), ex);
		}
		catch (ProcessorFailedException ex) {
			throw new AssertionError(
					"Processor '" + name + "' failed before reaching position " + head + ":\n" + describe(head), ex);
		}
	}

	/**
	 * Every processor's state, how far it is behind a position and its last error, one
	 * line each.
	 * @param head the position
	 * @return the text
	 */
	public String describe(long head) {
		List<String> lines = new ArrayList<>();
		for (ProcessorStatus status : this.varve.processors().statuses()) {
			StringBuilder line = new StringBuilder("  ").append(status.name())
				.append(": ")
				.append(status.state())
				.append(", checkpoint ")
				.append(status.checkpoint());
			long behind = head - status.checkpoint();
			line.append((behind > 0) ? ", " + behind + " events behind" : ", caught up");
			if (status.parkedCount() > 0) {
				line.append(", ").append(status.parkedCount()).append(" parked");
			}
			ProcessorError error = status.lastError();
			if (error != null) {
				line.append(", last error at position ")
					.append(error.position())
					.append(" (attempt ")
					.append(error.attempts())
					.append("): ")
					.append(error.errorType())
					.append(": ")
					.append(error.message());
			}
			lines.add(line.toString());
		}
		return lines.isEmpty() ? "  (no processors registered)" : String.join("\n", lines);
	}

}
