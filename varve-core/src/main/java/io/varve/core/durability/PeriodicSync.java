package io.varve.core.durability;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.varve.VarveClosedException;
import io.varve.core.storage.StorageEngine;

/**
 * Flushes a store at a fixed interval, on a daemon thread of its own, for the modes whose
 * commits do not flush ({@link DurabilityPolicy#syncsPeriodically()}): it bounds what an
 * OS crash or power loss can take.
 */
public final class PeriodicSync implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(PeriodicSync.class.getName());

	private final ScheduledExecutorService executor;

	private PeriodicSync(ScheduledExecutorService executor) {
		this.executor = executor;
	}

	/**
	 * Starts flushing a store, if its policy asks for it.
	 * @param policy the store's durability policy
	 * @param engine the store's engine
	 * @param path the store directory, for the thread's name and messages
	 * @return the running sync, or null when the policy has none
	 */
	public static @Nullable PeriodicSync startIfNeeded(DurabilityPolicy policy, StorageEngine engine, Path path) {
		if (!policy.syncsPeriodically()) {
			return null;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "varve-sync[" + path.getFileName() + "]");
			thread.setDaemon(true);
			return thread;
		});
		long millis = policy.syncInterval().toMillis();
		executor.scheduleWithFixedDelay(() -> {
			try {
				engine.sync();
			}
			catch (VarveClosedException ex) {
				// closing
			}
			catch (RuntimeException ex) {
				LOG.log(Level.WARNING, "Periodic sync of Varve store " + path + " failed", ex);
			}
		}, millis, millis, TimeUnit.MILLISECONDS);
		return new PeriodicSync(executor);
	}

	/** Stops, waiting up to 10 seconds for a flush in progress. */
	@Override
	public void close() {
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
