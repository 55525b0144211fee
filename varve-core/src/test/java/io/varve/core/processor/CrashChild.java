package io.varve.core.processor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
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
 * After every commit, before the next can start, the child reads the counter's stored
 * checkpoint and total in one snapshot: they must be equal at every commit boundary, the
 * only places a kill can leave the store. A mismatch is printed as {@code SPLIT}; a
 * processor that committed its projection writes and its checkpoint separately shows one
 * at every batch.
 *
 * <p>
 * Arguments: the store directory, the side-effect file, and the mode: {@code BLOCK} parks
 * the projection handler in the middle of a batch, after printing {@code MIDBATCH}, so
 * the kill lands there; {@code COMMIT} holds the committing thread right after the first
 * commit that stores a checkpoint 300 past the one it resumed from, after printing
 * {@code COMMITTED} and that checkpoint, so the kill lands on that commit boundary and
 * the next run must resume exactly there.
 */
public final class CrashChild {

	static final String COUNTS = "counts";

	static final String TOTAL = "total";

	private static volatile long blockAt = -1;

	private CrashChild() {
	}

	public static void main(String[] args) throws Exception {
		Path store = Path.of(args[0]);
		Path effects = Path.of(args[1]);
		Mode mode = Mode.valueOf(args[2]);
		DefaultVarve varve = (DefaultVarve) Varve.builder().path(store).eventTypes(Deposited.class).open();
		for (int i = 0; i < 5; i++) {
			varve.append("account-" + i, ExpectedVersion.any(), TestEvents.deposits(10, 1));
		}
		ProcessorRegistry processors = varve.processors();
		processors.register(counter(mode).build());
		processors.register(sideEffects(effects));
		long resumeFrom = processors.status("counter").checkpoint();
		System.out.println("RESUME " + resumeFrom);
		System.out.flush();
		if (mode == Mode.BLOCK) {
			blockAt = resumeFrom + 37;
		}
		LongPredicate holdAt = (mode == Mode.COMMIT) ? (checkpoint) -> checkpoint >= resumeFrom + 300
				: (checkpoint) -> false;
		checkEveryCommit(varve, (split) -> {
			System.out.println("SPLIT " + split);
			System.out.flush();
		}, holdAt);
		processors.startAll();
		for (long i = 0;; i++) {
			varve.append("account-" + (i % 5), ExpectedVersion.any(), TestEvents.deposits(1 + (int) (i % 9), 1));
		}
	}

	/**
	 * Checks the counter's checkpoint against its total after every commit.
	 * @param varve the store
	 * @param split told each mismatch
	 * @param holdAt whether to print {@code COMMITTED} and hold the committing thread
	 * after a commit that stored this checkpoint
	 */
	static void checkEveryCommit(DefaultVarve varve, Consumer<String> split, LongPredicate holdAt) {
		// Told on the committing thread before the next commit can start, so each read
		// sees the store exactly as one commit left it.
		varve.groupWriter().addListener((commit) -> {
			long[] stored = varve.read((txn) -> {
				CommittedProjections projections = new CommittedProjections((read) -> read.apply(txn), varve.codec(),
						new ProjectionTables());
				return new long[] { ProcessorTables.checkpoint(txn, "counter"),
						projections.get(COUNTS, TOTAL, Long.class).orElse(0L) };
			});
			if (stored[0] < 0) {
				return;
			}
			if (stored[0] != stored[1]) {
				split.accept("checkpoint " + stored[0] + ", total " + stored[1]);
			}
			if (holdAt.test(stored[0])) {
				System.out.println("COMMITTED " + stored[0]);
				System.out.flush();
				while (true) {
					LockSupport.park();
				}
			}
		});
	}

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

		/**
		 * Hold the committing thread on the first commit boundary 300 past the resumed
		 * checkpoint, after printing {@code COMMITTED}, so that the kill lands there.
		 */
		COMMIT,

		/** Neither: the parent's own run. */
		QUIET

	}

}
