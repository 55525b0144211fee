package io.varve.core.processor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.processor.EventHandler;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;

/**
 * The child JVM of {@link ProcessorCrashTest}: appends events without end while two
 * processors follow the log, one keeping counts in the projection store, one writing each
 * position to a file (an outside side effect). The parent kills it with SIGKILL.
 *
 * <p>
 * Arguments: the store directory, the side-effect file, and the mode: {@code block} parks
 * the projection handler in the middle of a batch, after printing {@code MIDBATCH}, so
 * the kill lands there for sure; {@code run} prints progress and lets the kill land
 * wherever it does.
 */
public final class CrashChild {

	static final String COUNTS = "counts";

	static final String TOTAL = "total";

	private CrashChild() {
	}

	public static void main(String[] args) throws Exception {
		Path store = Path.of(args[0]);
		Path effects = Path.of(args[1]);
		Mode mode = Mode.valueOf(args[2]);
		Varve varve = Varve.builder().path(store).eventTypes(Deposited.class).open();
		for (int i = 0; i < 5; i++) {
			varve.append("account-" + i, ExpectedVersion.any(), TestEvents.deposits(10, 1));
		}
		ProcessorRegistry processors = varve.processors();
		processors.register(counter(mode).build());
		processors.register(sideEffects(effects));
		long resumeFrom = processors.status("counter").checkpoint();
		System.out.println("RESUME " + resumeFrom);
		if (mode == Mode.BLOCK) {
			blockAt = resumeFrom + 37;
		}
		processors.startAll();
		for (long i = 0;; i++) {
			varve.append("account-" + (i % 5), ExpectedVersion.any(), TestEvents.deposits(1 + (int) (i % 9), 1));
		}
	}

	private static volatile long blockAt = -1;

	/** The projection processor, shared with the parent's verification run. */
	static ProcessorDefinition.Builder counter(Mode mode) {
		return ProcessorDefinition.builder("counter").batchSize(100).handler(countingHandler(mode));
	}

	private static EventHandler countingHandler(Mode mode) {
		return (event, context) -> {
			var store = context.projections();
			store.put(COUNTS, event.stream(), store.get(COUNTS, event.stream(), Long.class).orElse(0L) + 1);
			store.put(COUNTS, TOTAL, store.get(COUNTS, TOTAL, Long.class).orElse(0L) + 1);
			if (mode == Mode.BLOCK && event.position() == blockAt) {
				System.out.println("MIDBATCH " + event.position());
				System.out.flush();
				while (true) {
					LockSupport.park();
				}
			}
			if (mode == Mode.PROGRESS && event.position() % 50 == 0) {
				System.out.println("AT " + event.position());
				System.out.flush();
			}
		};
	}

	static ProcessorDefinition sideEffects(Path file) {
		return ProcessorDefinition.builder("mailer").handler((event, context) -> {
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					StandardOpenOption.APPEND)) {
				channel.write(ByteBuffer.wrap((event.position() + "\n").getBytes(StandardCharsets.US_ASCII)));
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).build();
	}

	enum Mode {

		/**
		 * Park the projection handler in the middle of a batch, after printing
		 * {@code MIDBATCH}, so that the kill lands there for sure.
		 */
		BLOCK,

		/** Print progress and let the kill land wherever it does. */
		PROGRESS,

		/** Neither: the parent's own run. */
		QUIET

	}

}
