package io.varve.core.processor;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.varve.VarveClosedException;
import io.varve.processor.ProcessorError;
import io.varve.processor.ProcessorStateException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ProcessorLifecycleTest {

	private final WorkerSignals signals = new WorkerSignals();

	private final ProcessorError lastError = new ProcessorError("boom", IllegalStateException.class.getName(), 7, null,
			3, Instant.EPOCH);

	private final ProcessorLifecycle lifecycle = new ProcessorLifecycle("totals", this.signals, () -> this.lastError);

	@Test
	void startsOnceAndHandsTheProcessorToItsThread() {
		assertThat(this.lifecycle.phase()).isEqualTo(ProcessorPhase.STOPPED);
		assertThat(this.lifecycle.checkStartable()).isTrue();
		Thread worker = new Thread(() -> {
		});
		this.lifecycle.started(worker);
		assertThat(this.lifecycle.phase()).isEqualTo(ProcessorPhase.RUNNING);
		assertThat(this.signals.thread()).isSameAs(worker);
		// Running: a second start has nothing to do.
		assertThat(this.lifecycle.checkStartable()).isFalse();
		this.lifecycle.exited(false);
		assertThat(this.lifecycle.phase()).isEqualTo(ProcessorPhase.STOPPED);
		assertThat(this.signals.thread()).isNull();
	}

	@Test
	void aPauseBeforeTheThreadStartsMakesItStartPaused() {
		assertThat(this.lifecycle.checkStartable()).isTrue();
		this.lifecycle.pause();
		this.lifecycle.started(new Thread(() -> {
		}));
		assertThat(this.lifecycle.phase()).isEqualTo(ProcessorPhase.PAUSED);
	}

	@Test
	void refusesToStartAFailedProcessorUntilRestarted() {
		this.lifecycle.started(new Thread(() -> {
		}));
		this.lifecycle.pause();
		this.lifecycle.exited(true);
		assertThat(this.lifecycle.phase()).isEqualTo(ProcessorPhase.FAILED_PAUSED);
		assertThatExceptionOfType(ProcessorStateException.class).isThrownBy(this.lifecycle::checkStartable)
			.withMessage("Processor 'totals' is FAILED (at position 7, event null: boom); fix the cause and call "
					+ "restart(\"totals\")");
		this.lifecycle.restart();
		assertThat(this.lifecycle.phase()).isEqualTo(ProcessorPhase.STOPPED_PAUSED);
		assertThat(this.lifecycle.checkStartable()).isTrue();
	}

	@Test
	void refusesEveryOperationOnceTheStoreClosedButAStop() {
		this.lifecycle.close();
		assertThat(this.lifecycle.phase()).isEqualTo(ProcessorPhase.CLOSED);
		String closed = "The store of processor 'totals' is closed";
		assertThatExceptionOfType(VarveClosedException.class).isThrownBy(this.lifecycle::checkStartable)
			.withMessage(closed);
		assertThatExceptionOfType(VarveClosedException.class).isThrownBy(this.lifecycle::restart).withMessage(closed);
		assertThatExceptionOfType(VarveClosedException.class).isThrownBy(this.lifecycle::pause).withMessage(closed);
		assertThatExceptionOfType(VarveClosedException.class).isThrownBy(this.lifecycle::resume).withMessage(closed);
		assertThatExceptionOfType(VarveClosedException.class).isThrownBy(this.lifecycle::checkOpen).withMessage(closed);
		assertThatExceptionOfType(VarveClosedException.class).isThrownBy(() -> this.lifecycle.started(new Thread(() -> {
		}))).withMessage(closed);
		// Stopping all after closing is harmless, and a thread still ending stays closed.
		this.lifecycle.requestStop();
		this.lifecycle.exited(false);
		assertThat(this.lifecycle.phase()).isEqualTo(ProcessorPhase.CLOSED);
	}

	@Test
	void aStopRequestEndsTheThreadsWaitForNewEvents() throws Exception {
		CountDownLatch waiting = new CountDownLatch(1);
		CountDownLatch woke = new CountDownLatch(1);
		Thread worker = new Thread(() -> {
			this.signals.clearSignal();
			waiting.countDown();
			this.signals.awaitSignal(() -> this.lifecycle.phase().isStopRequested());
			woke.countDown();
			this.lifecycle.exited(false);
		});
		this.lifecycle.started(worker);
		worker.start();
		assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
		this.lifecycle.requestStop();
		assertThat(woke.await(10, TimeUnit.SECONDS)).isTrue();
		worker.join(10_000);
		assertThat(worker.isAlive()).isFalse();
		assertThat(this.lifecycle.phase()).isEqualTo(ProcessorPhase.STOPPED);
	}

	@Test
	void aStopRequestEndsARetryWait() throws Exception {
		CountDownLatch waiting = new CountDownLatch(1);
		long[] waitedNanos = new long[1];
		Thread worker = new Thread(() -> {
			waiting.countDown();
			long start = System.nanoTime();
			this.signals.awaitRetry(TimeUnit.MINUTES.toNanos(10), () -> this.lifecycle.phase().isStopRequested());
			waitedNanos[0] = System.nanoTime() - start;
			this.lifecycle.exited(false);
		});
		this.lifecycle.started(worker);
		worker.start();
		assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
		this.lifecycle.requestStop();
		worker.join(10_000);
		assertThat(worker.isAlive()).isFalse();
		assertThat(waitedNanos[0]).isLessThan(TimeUnit.MINUTES.toNanos(10));
		assertThat(this.lifecycle.phase()).isEqualTo(ProcessorPhase.STOPPED);
	}

}
