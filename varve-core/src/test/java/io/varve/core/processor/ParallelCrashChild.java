package io.varve.core.processor;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.processor.EventHandler;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;

/**
 * The child JVM of {@link ParallelProcessorTest}'s kill test: appends to 16 streams
 * without end while a processor with concurrency 2 follows them, and prints
 * {@code MIDBATCH} from a handler thread (then parks it) once it handles a position well
 * past where it resumed, so that the parent's SIGKILL lands while both threads are in a
 * batch.
 * <p>
 * Arguments: the store directory.
 */
public final class ParallelCrashChild {

	static final int STREAMS = 16;

	private static volatile long blockAt = Long.MAX_VALUE;

	private ParallelCrashChild() {
	}

	public static void main(String[] args) throws Exception {
		Varve varve = Varve.builder().path(Path.of(args[0])).eventTypes(TestEvents.Deposited.class).open();
		ProcessorRegistry processors = varve.processors();
		processors.register(perStream(true));
		long resumeFrom = processors.status("per-stream").checkpoint();
		blockAt = resumeFrom + 1500;
		System.out.println("RESUME " + resumeFrom);
		System.out.flush();
		processors.start("per-stream");
		for (long i = 0;; i++) {
			varve.append("account-" + (i % STREAMS), ExpectedVersion.any(), TestEvents.deposits(1, 1));
		}
	}

	/**
	 * The processor: per stream, the last version seen, a count, and any version that did
	 * not follow the last one.
	 */
	static ProcessorDefinition perStream(boolean blocking) {
		EventHandler handler = (event, context) -> {
			var store = context.projections();
			long last = store.get("last", event.stream(), Long.class).orElse(0L);
			if (event.version() != last + 1) {
				store.put("out-of-order", event.stream() + "@" + event.version(), last);
			}
			store.put("last", event.stream(), event.version());
			store.put("count", event.stream(), store.get("count", event.stream(), Long.class).orElse(0L) + 1);
			if (blocking && event.position() >= blockAt) {
				blockAt = Long.MAX_VALUE;
				System.out.println("MIDBATCH " + event.position());
				System.out.flush();
				while (true) {
					LockSupport.park();
				}
			}
		};
		return ProcessorDefinition.builder("per-stream").concurrency(2).batchSize(200).handler(handler).build();
	}

}
