package io.varve.benchmarks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.VarveBuilder;
import io.varve.VarveListener;
import io.varve.crypto.Encryption;
import io.varve.crypto.LocalKeyProvider;

/**
 * Creates and removes the stores a run uses, each in its own fresh directory.
 */
public final class Stores {

	private static final AtomicInteger COUNTER = new AtomicInteger();

	private Stores() {
	}

	/**
	 * A new empty directory under the work directory.
	 * @param workDir the work directory
	 * @param name a name for the store
	 * @return the directory
	 */
	public static Path freshDirectory(Path workDir, String name) {
		Path directory = workDir.resolve(name + "-" + COUNTER.incrementAndGet());
		delete(directory);
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return directory;
	}

	/**
	 * Opens a Varve store in a fresh directory.
	 * @param workDir the work directory
	 * @param name a name for the store
	 * @param durability its durability
	 * @return the store
	 */
	public static Varve varve(Path workDir, String name, Durability durability) {
		return builder(workDir, name, durability).open();
	}

	/**
	 * Opens a Varve store in a fresh directory, with a listener.
	 * @param workDir the work directory
	 * @param name a name for the store
	 * @param durability its durability
	 * @param listener told about its appends and commits
	 * @return the store
	 */
	public static Varve varve(Path workDir, String name, Durability durability, VarveListener listener) {
		return builder(workDir, name, durability).listener(listener).open();
	}

	/**
	 * Opens an encrypted Varve store in a fresh directory, its key store in a fresh
	 * directory beside it, with a fixed master key held in memory.
	 * @param workDir the work directory
	 * @param name a name for the store
	 * @param durability its durability
	 * @return the store
	 */
	public static Varve encryptedVarve(Path workDir, String name, Durability durability) {
		Path keys = freshDirectory(workDir, name + "-keys").resolve("keys.log");
		return builder(workDir, name, durability)
			.encryption(Encryption.of(LocalKeyProvider.of(BENCHMARK_MASTER_KEY), keys))
			.open();
	}

	/** A fixed master key: the benchmarks measure the cipher, not the key's secrecy. */
	private static final byte[] BENCHMARK_MASTER_KEY = new byte[32];

	private static VarveBuilder builder(Path workDir, String name, Durability durability) {
		return Varve.builder()
			.path(freshDirectory(workDir, name))
			.durability(durability)
			.mapSize(256L * 1024 * 1024)
			.eventTypes(ItemAdded.class);
	}

	/**
	 * Fills a store: {@code events} events in appends of {@code batch} events, cycling
	 * over {@code streams} streams named {@code cart-<n>} starting at {@code firstCart}.
	 * @param varve the store
	 * @param events how many events
	 * @param batch events per append
	 * @param streams how many streams
	 * @param firstCart the first cart number
	 */
	public static void fill(Varve varve, long events, int batch, int streams, int firstCart) {
		batches(events, batch, streams, firstCart, (cart, written, chunk) -> varve.append("cart-" + cart,
				ExpectedVersion.exact(written), chunk.toArray()));
	}

	/**
	 * Fills a raw store with the same events {@link #fill} would write, in the same
	 * order.
	 * @param raw the store
	 * @param events how many events
	 * @param batch events per transaction
	 * @param streams how many streams
	 * @param firstCart the first cart number
	 */
	public static void fill(RawLmdb raw, long events, int batch, int streams, int firstCart) {
		byte[][] values = new byte[batch][];
		batches(events, batch, streams, firstCart, (cart, written, chunk) -> {
			for (int i = 0; i < chunk.size(); i++) {
				values[i] = Events.encode(chunk.get(i));
			}
			raw.appendBatch(values, chunk.size());
		});
	}

	/**
	 * Makes the events {@link #fill} writes, in the same order, for a peer to store:
	 * {@code events} events in batches of {@code batch}, cycling over {@code streams}
	 * streams.
	 * @param events how many events
	 * @param batch events per batch
	 * @param streams how many streams
	 * @param firstCart the first cart number
	 * @param sink told about each batch
	 * @throws Exception what the sink throws
	 */
	public static <E extends Exception> void batches(long events, int batch, int streams, int firstCart, Batch<E> sink)
			throws E {
		long[] versions = new long[streams];
		long written = 0;
		int call = 0;
		while (written < events) {
			int stream = call++ % streams;
			int count = (int) Math.min(batch, events - written);
			List<ItemAdded> chunk = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				chunk.add(Events.event(firstCart + stream, versions[stream] + i));
			}
			sink.accept(firstCart + stream, versions[stream], chunk);
			versions[stream] += count;
			written += count;
		}
	}

	/**
	 * Stores one batch of a stream's events.
	 *
	 * @param <E> what it may throw
	 */
	@FunctionalInterface
	public interface Batch<E extends Exception> {

		/**
		 * Stores the batch.
		 * @param cart the stream's cart number (the stream is {@code cart-<cart>})
		 * @param written events already in the stream (its version before this batch)
		 * @param events the batch
		 * @throws E on failure
		 */
		void accept(int cart, long written, List<ItemAdded> events) throws E;

	}

	/**
	 * Deletes a directory tree if it exists.
	 * @param directory the directory
	 */
	public static void delete(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		List<Path> paths = new ArrayList<>();
		try (Stream<Path> walk = Files.walk(directory)) {
			walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		for (Path path : paths) {
			try {
				Files.deleteIfExists(path);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	/**
	 * Size of a directory tree on disk (apparent size of its files).
	 * @param directory the directory
	 * @return bytes
	 */
	public static long size(Path directory) {
		try (Stream<Path> walk = Files.walk(directory)) {
			return walk.filter(Files::isRegularFile).mapToLong((path) -> {
				try {
					return Files.size(path);
				}
				catch (IOException ex) {
					return 0;
				}
			}).sum();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
