package io.varve.core.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;

import io.varve.StorageException;
import io.varve.core.storage.DiskSpace;
import io.varve.core.storage.StoreDirectory;

/**
 * The store's journal: each group's {@link JournalRecord}, appended to segment files of
 * the store directory ({@code journal-<n>}) that are filled with zeros and flushed before
 * first use, so that flushing a record ({@link FileChannel#force(boolean) force(false)},
 * fdatasync) writes only its own blocks: one device flush per group, and no file-system
 * metadata to commit.
 * <p>
 * Records carry increasing sequence numbers. The journal ends at the first record that is
 * not whole (bad magic, length or checksum: a write the crash tore) or whose number does
 * not follow: segments are reused once a checkpoint has made their records unnecessary,
 * and what remains of their old records has lower numbers. Each open starts a new
 * generation (kept in the checkpoint file), and only records of the checkpoint's
 * generation are replayed, so a record left behind by an earlier crash can never pass for
 * a new one. Not thread-safe: the committing thread writes; checkpoints recycle under the
 * same lock as the writes.
 */
public final class Journal implements AutoCloseable {

	/**
	 * Size of the first segment of a store; later ones double up to {@link #MAX_SEGMENT}.
	 */
	static final long FIRST_SEGMENT = 1L << 20;

	/** Largest segment made ahead of need; a larger record gets a segment of its size. */
	static final long MAX_SEGMENT = 64L << 20;

	private static final Pattern NAME = Pattern.compile("journal-(\\d{10})");

	private static final byte[] ZEROS = new byte[1 << 16];

	private final Path directory;

	private final boolean flushEachRecord;

	private final boolean groupAccess;

	private final List<JournalSegment> segments = new ArrayList<>();

	private JournalSegment current;

	private long position;

	private long nextSequence;

	private long lastStart = -1;

	private int generation;

	private ByteBuffer direct = ByteBuffer.allocateDirect(1 << 16);

	private Journal(Path directory, boolean flushEachRecord, boolean groupAccess) {
		this.directory = directory;
		this.flushEachRecord = flushEachRecord;
		this.groupAccess = groupAccess;
	}

	/**
	 * Opens the journal of a store directory, creating its first segment if it has none.
	 * @param directory the store directory
	 * @param flushEachRecord whether each record is flushed before {@link #append}
	 * returns
	 * @param groupAccess whether the owner's group may read the store's files
	 * @return the journal, positioned nowhere until {@link #startAfter(long, int)}
	 */
	public static Journal open(Path directory, boolean flushEachRecord, boolean groupAccess) {
		Journal journal = new Journal(directory, flushEachRecord, groupAccess);
		try (Stream<Path> files = Files.list(directory)) {
			files.forEach((file) -> {
				Matcher matcher = NAME.matcher(file.getFileName().toString());
				if (matcher.matches()) {
					journal.segments.add(new JournalSegment(file, Long.parseLong(matcher.group(1))));
				}
			});
		}
		catch (IOException ex) {
			throw failure("list the journal of", directory, ex);
		}
		journal.segments.sort((a, b) -> Long.compare(a.number, b.number));
		return journal;
	}

	/**
	 * Reads every record after a sequence number, in order, until the journal ends.
	 * @param after the sequence number the tables hold
	 * @param generation the generation of the records to replay
	 * @param visitor told each record's sequence number and body
	 * @return the last sequence number read (or {@code after} when none)
	 */
	public long replayAfter(long after, int generation, RecordVisitor visitor) {
		return JournalReader.replayAfter(List.copyOf(this.segments), this.directory, after, generation, visitor);
	}

	/**
	 * Starts writing after a checkpoint that holds every record: all segments may be
	 * reused, the next record goes to the start of the first one.
	 * @param lastSequence the last sequence number the tables hold
	 * @param generation the generation of the records written from now on, already in the
	 * checkpoint file
	 */
	public void startAfter(long lastSequence, int generation) {
		this.nextSequence = lastSequence + 1;
		this.generation = generation;
		if (this.segments.isEmpty()) {
			this.segments.add(create(1, FIRST_SEGMENT));
		}
		this.current = this.segments.get(0);
		this.position = 0;
		this.lastStart = -1;
	}

	/** The sequence number the next record gets. */
	public long nextSequence() {
		return this.nextSequence;
	}

	/** The generation of the records written now. */
	public int generation() {
		return this.generation;
	}

	/**
	 * Appends a record and, if this journal flushes each record, flushes it.
	 * @param bytes the record (see {@link JournalRecord.Builder#finish})
	 * @param length its length
	 * @throws StorageException if it cannot be written or flushed: then it is not in the
	 * journal
	 */
	public void append(byte[] bytes, int length) {
		if (this.position + length > this.current.size) {
			next(length);
		}
		JournalSegment segment = this.current;
		long at = this.position;
		try {
			uninterrupted(() -> {
				ByteBuffer buffer = buffer(length);
				buffer.put(bytes, 0, length).flip();
				long to = at;
				while (buffer.hasRemaining()) {
					to += segment.channel().write(buffer, to);
				}
				if (this.flushEachRecord) {
					force(segment);
				}
			}, segment);
		}
		catch (IOException ex) {
			erase(at);
			throw failure("write the journal of", this.directory, ex);
		}
		this.lastStart = at;
		this.position = at + length;
		this.nextSequence++;
	}

	/**
	 * Runs file I/O so that an interrupt of the calling thread (a user's thread may
	 * commit its own append) cannot close the channel under the journal: a channel closed
	 * by an interrupt is opened again and the I/O repeated; the interrupt is kept for the
	 * caller.
	 */
	private static void uninterrupted(IoAction action, JournalSegment segment) throws IOException {
		boolean interrupted = Thread.interrupted();
		try {
			for (int attempt = 1;; attempt++) {
				try {
					action.run();
					return;
				}
				catch (java.nio.channels.ClosedByInterruptException ex) {
					interrupted |= Thread.interrupted();
					segment.reopen();
					if (attempt >= 3) {
						throw ex;
					}
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@FunctionalInterface
	private interface IoAction {

		void run() throws IOException;

	}

	/**
	 * Takes back the record just appended, whose group did not commit: its header is
	 * zeroed and flushed, so it is never replayed, and its number is used again.
	 */
	public void cancelLast() {
		if (this.lastStart < 0) {
			return;
		}
		erase(this.lastStart);
		this.position = this.lastStart;
		this.lastStart = -1;
		this.nextSequence--;
		JournalSegment segment = this.current;
		try {
			uninterrupted(() -> force(segment), segment);
		}
		catch (IOException ex) {
			throw failure("take back a journal record of", this.directory, ex);
		}
	}

	/** Flushes every record written so far. */
	public void flush() {
		if (this.current == null) {
			return;
		}
		JournalSegment segment = this.current;
		try {
			uninterrupted(() -> force(segment), segment);
		}
		catch (IOException ex) {
			throw failure("flush the journal of", this.directory, ex);
		}
	}

	/**
	 * Marks where the journal is now, for {@link #recycleBefore(long)}.
	 * @return the current segment's number
	 */
	public long mark() {
		return (this.current != null) ? this.current.number : -1;
	}

	/**
	 * After a checkpoint: the segments used before the marked one hold only records the
	 * checkpoint has, and move to the end of the list (renamed with new numbers), to be
	 * written again.
	 * @param mark what {@link #mark()} returned when the checkpoint's transaction was
	 * taken
	 */
	public void recycleBefore(long mark) {
		while (this.segments.size() > 1 && this.segments.get(0).number != mark
				&& this.segments.get(0) != this.current) {
			JournalSegment old = this.segments.remove(0);
			long number = nextNumber();
			Path renamed = this.directory.resolve(name(number));
			try {
				old.close();
				Files.move(old.file, renamed, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (IOException ex) {
				throw failure("reuse a journal segment of", this.directory, ex);
			}
			this.segments.add(new JournalSegment(renamed, number, old.size));
		}
	}

	private void next(int length) {
		int index = this.segments.indexOf(this.current);
		// Segments after the current one were recycled: they hold only records a
		// checkpoint has. One too small for this record is dropped rather than passed
		// over, so that the segments stay in the order of their numbers, which is the
		// order replay reads them in.
		while (index + 1 < this.segments.size() && this.segments.get(index + 1).size < length) {
			JournalSegment small = this.segments.remove(index + 1);
			small.close();
			try {
				Files.deleteIfExists(small.file);
			}
			catch (IOException ex) {
				throw failure("drop the journal segment " + small.file.getFileName() + " of", this.directory, ex);
			}
		}
		JournalSegment following;
		if (index + 1 < this.segments.size()) {
			following = this.segments.get(index + 1);
		}
		else {
			long size = Math.max(Math.min(MAX_SEGMENT, this.current.size * 2), length);
			following = create(nextNumber(), size);
			this.segments.add(following);
		}
		this.current = following;
		this.position = 0;
		this.lastStart = -1;
	}

	/** The number after every segment's: the list is in the order of the numbers. */
	private long nextNumber() {
		return this.segments.get(this.segments.size() - 1).number + 1;
	}

	private JournalSegment create(long number, long size) {
		Path file = this.directory.resolve(name(number));
		try (FileChannel channel = FileChannel.open(file,
				java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
				StoreDirectory.fileAttributes(this.directory, this.groupAccess))) {
			StoreDirectory.restrict(file, this.groupAccess, false);
			ByteBuffer zeros = ByteBuffer.wrap(ZEROS);
			for (long at = 0; at < size; at += ZEROS.length) {
				zeros.clear().limit((int) Math.min(ZEROS.length, size - at));
				channel.write(zeros, at);
			}
			Flushes.before(file);
			channel.force(true);
			Flushes.after(file);
		}
		catch (IOException ex) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ignored) {
				// the failure below says what matters
			}
			if (DiskSpace.isFull(this.directory)) {
				throw DiskSpace.full(this.directory, "create a journal segment", ex);
			}
			throw failure("create the journal segment " + file.getFileName() + " of", this.directory, ex);
		}
		syncDirectory();
		return new JournalSegment(file, number, size);
	}

	private void syncDirectory() {
		try (FileChannel channel = FileChannel.open(this.directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Some file systems cannot flush a directory; the segment's data is flushed.
		}
	}

	private static void force(JournalSegment segment) throws IOException {
		Flushes.before(segment.file);
		segment.channel().force(false);
		Flushes.after(segment.file);
	}

	private void erase(long at) {
		JournalSegment segment = this.current;
		try {
			uninterrupted(() -> segment.channel().write(ByteBuffer.allocate(JournalRecord.HEADER), at), segment);
		}
		catch (IOException ex) {
			throw failure("erase a journal record of", this.directory, ex);
		}
	}

	private ByteBuffer buffer(int length) {
		if (this.direct.capacity() < length) {
			this.direct = ByteBuffer.allocateDirect(Math.max(length, this.direct.capacity() * 2));
		}
		return this.direct.clear();
	}

	private static String name(long number) {
		return String.format("journal-%010d", number);
	}

	static StorageException failure(String what, Path directory, IOException ex) {
		return new StorageException("Could not " + what + " the store at " + directory + ": " + ex, ex);
	}

	@Override
	public void close() {
		for (JournalSegment segment : this.segments) {
			segment.close();
		}
	}

	/** Told each record replayed. */
	@FunctionalInterface
	public interface RecordVisitor {

		/**
		 * @param sequence the record's sequence number
		 * @param body its body
		 */
		void record(long sequence, UnsafeBuffer body);

	}

}
