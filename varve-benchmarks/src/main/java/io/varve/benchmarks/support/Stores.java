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
		return Varve.builder()
			.path(freshDirectory(workDir, name))
			.durability(durability)
			.mapSize(256L * 1024 * 1024)
			.eventTypes(ItemAdded.class)
			.open();
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
		long[] versions = new long[streams];
		long written = 0;
		int call = 0;
		while (written < events) {
			int stream = call++ % streams;
			int count = (int) Math.min(batch, events - written);
			Object[] chunk = new Object[count];
			for (int i = 0; i < count; i++) {
				chunk[i] = Events.event(firstCart + stream, versions[stream] + i);
			}
			varve.append("cart-" + (firstCart + stream), ExpectedVersion.exact(versions[stream]), chunk);
			versions[stream] += count;
			written += count;
		}
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
		long[] versions = new long[streams];
		long written = 0;
		int call = 0;
		byte[][] values = new byte[batch][];
		while (written < events) {
			int stream = call++ % streams;
			int count = (int) Math.min(batch, events - written);
			for (int i = 0; i < count; i++) {
				values[i] = Events.encode(Events.event(firstCart + stream, versions[stream] + i));
			}
			raw.appendBatch(values, count);
			versions[stream] += count;
			written += count;
		}
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
