package io.varve.core.lmdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

import org.jspecify.annotations.Nullable;

import io.varve.CorruptDataException;
import io.varve.IncompatibleFormatException;
import io.varve.StorageException;
import io.varve.StorePathException;
import io.varve.core.storage.StoreDirectory;

/**
 * Checks a store's data file before LMDB maps it. LMDB trusts its file: a truncated file
 * is mapped anyway and the first touch of a page past the end kills the JVM with SIGBUS,
 * and a garbage file gives an obscure error. So the two meta pages are read here with
 * plain file I/O and the file is refused, with a message that says what to do, when it is
 * not an LMDB data file of the layout this LMDB reads or is shorter than the pages its
 * newest meta page says are in use.
 *
 * <p>
 * The layout read is that of 64-bit little-endian LMDB 0.9: each page starts with a
 * 16-byte header (page number, padding, flags, free-space bounds) and pages 0 and 1 hold
 * the meta record right after it: magic, data version, fixed-map address, map size, the
 * free-page and main B-tree records (48 bytes each; the free tree's first word holds the
 * page size), the last page in use and the id of the transaction that wrote it. The newer
 * of the two (by transaction id) is the one LMDB opens.
 */
final class DataFileCheck {

	/** Name of LMDB's data file in a store directory. */
	static final String DATA_FILE = "data.mdb";

	static final int MAGIC = 0xBEEFC0DE;

	static final int DATA_VERSION = 1;

	static final int PAGE_HEADER = 16;

	static final int OFFSET_FLAGS = 10;

	static final int OFFSET_LOWER = 12;

	static final int OFFSET_OVERFLOW_PAGES = 12;

	static final int P_BRANCH = 0x01;

	static final int P_LEAF = 0x02;

	static final int P_OVERFLOW = 0x04;

	static final int P_META = 0x08;

	static final int F_BIGDATA = 0x01;

	static final int OFFSET_MAGIC = PAGE_HEADER;

	static final int OFFSET_VERSION = PAGE_HEADER + 4;

	static final int OFFSET_MAP_SIZE = PAGE_HEADER + 16;

	static final int OFFSET_FREE_DB = PAGE_HEADER + 24;

	/** The free tree's {@code md_pad} word, which LMDB uses for the page size. */
	static final int OFFSET_PAGE_SIZE = OFFSET_FREE_DB;

	static final int OFFSET_FREE_DEPTH = OFFSET_FREE_DB + 6;

	static final int OFFSET_FREE_ROOT = OFFSET_FREE_DB + 40;

	static final int OFFSET_LAST_PAGE = OFFSET_FREE_DB + 2 * 48;

	static final int OFFSET_TXN_ID = OFFSET_LAST_PAGE + 8;

	/** Bytes of a meta page that the check reads. */
	static final int META_BYTES = OFFSET_TXN_ID + 8;

	static final long NO_PAGE = -1L;

	static final int MIN_PAGE_SIZE = 512;

	static final int MAX_PAGE_SIZE = 65536;

	/** Most missing tail pages the check proves free before calling the file cut. */
	private static final long MAX_MISSING_PAGES = 1 << 20;

	/** Largest free-page list read from an overflow page. */
	private static final long MAX_FREE_LIST_BYTES = 64L * 1024 * 1024;

	private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

	private DataFileCheck() {
	}

	/**
	 * Checks the data file of a store directory, if there is one.
	 * @param directory the store directory
	 * @return the newest meta page, or null when there is no data file yet
	 * @throws CorruptDataException if the file is damaged: garbage, cut short, empty
	 * @throws IncompatibleFormatException if it is an LMDB file this build cannot read
	 */
	static @Nullable Meta check(Path directory) {
		Path file = directory.resolve(DATA_FILE);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			return new Reader(file, channel).check();
		}
		catch (NoSuchFileException ex) {
			// A new store: LMDB creates the file.
			return null;
		}
		catch (AccessDeniedException ex) {
			throw new StorePathException(directory,
					"Cannot read the store file " + file.toAbsolutePath() + ": this process (user "
							+ StoreDirectory.user() + ") has no permission to (" + StoreDirectory.describe(file)
							+ "). Run as the store's owner, or give this user access to the "
							+ "store's files (for a user of the owner's group: VarveBuilder.groupAccess, property "
							+ "varve.group-access, in the owning process)",
					ex);
		}
		catch (IOException ex) {
			if (!Files.exists(file)) {
				return null;
			}
			throw new StorageException("Cannot read the store file " + file.toAbsolutePath() + ": " + ex.getMessage()
					+ "; check that it is readable by this process", ex);
		}
	}

	/** A meta page's fields that matter here. */
	record Meta(int pageSize, long mapSize, long lastPage, long txnId, long freeRoot, int freeDepth) {

	}

	private static final class Reader {

		private final Path file;

		private final FileChannel channel;

		private long size;

		Reader(Path file, FileChannel channel) throws IOException {
			this.file = file;
			this.channel = channel;
			this.size = channel.size();
		}

		Meta check() throws IOException {
			if (this.size == 0) {
				throw corrupt("it is empty (0 bytes), so it holds no committed data; if the store never held "
						+ "events, delete the file and open the store again, otherwise restore it from a backup");
			}
			if (this.size < 2L * MIN_PAGE_SIZE) {
				throw corrupt("it is " + this.size + " bytes, too short to hold LMDB's two meta pages");
			}
			Meta first = readMeta(0, 0);
			Meta second = readMeta(1, first.pageSize());
			if (second.pageSize() != first.pageSize()) {
				throw corrupt("its two meta pages disagree on the page size (" + first.pageSize() + " and "
						+ second.pageSize() + ")");
			}
			Meta newest = (Long.compareUnsigned(second.txnId(), first.txnId()) > 0) ? second : first;
			// A writing process may be committing right now. It writes a commit's pages
			// before its meta page, so the size taken after reading the meta covers
			// every page that meta counts.
			this.size = this.channel.size();
			checkLength(newest);
			return newest;
		}

		private Meta readMeta(int index, int pageSize) throws IOException {
			long offset = (long) index * pageSize;
			ByteBuffer page = read(offset, META_BYTES);
			if (page == null) {
				throw corrupt("it ends before meta page " + index);
			}
			int magic = page.getInt(OFFSET_MAGIC);
			if (magic != MAGIC) {
				if (Integer.reverseBytes(magic) == MAGIC) {
					throw new IncompatibleFormatException("The store file " + this.file.toAbsolutePath()
							+ " was written on a machine of the other byte order; LMDB files do not move between "
							+ "byte orders, so export the events there and import them here");
				}
				throw corrupt("meta page " + index + " does not carry LMDB's magic number, so it is not an LMDB "
						+ "data file (garbage, or another program's file)");
			}
			if ((page.getShort(OFFSET_FLAGS) & P_META) == 0) {
				throw corrupt("page " + index + " is not marked as a meta page");
			}
			int version = page.getInt(OFFSET_VERSION);
			if (version != DATA_VERSION) {
				throw new IncompatibleFormatException(
						"The store file " + this.file.toAbsolutePath() + " uses LMDB data format version " + version
								+ ", but the LMDB in this Varve reads version " + DATA_VERSION
								+ "; open it with the software that wrote it, or restore a backup made by Varve");
			}
			int filePageSize = page.getInt(OFFSET_PAGE_SIZE);
			if (filePageSize < MIN_PAGE_SIZE || filePageSize > MAX_PAGE_SIZE || Integer.bitCount(filePageSize) != 1) {
				throw new IncompatibleFormatException("The store file " + this.file.toAbsolutePath()
						+ " declares a page size of " + filePageSize
						+ " bytes, which this LMDB cannot read (it may come from a 32-bit build, or be damaged); "
						+ "restore it from a backup made by Varve");
			}
			long lastPage = page.getLong(OFFSET_LAST_PAGE);
			if (lastPage < 1) {
				throw corrupt("meta page " + index + " gives an impossible last page number " + lastPage);
			}
			return new Meta(filePageSize, page.getLong(OFFSET_MAP_SIZE), lastPage, page.getLong(OFFSET_TXN_ID),
					page.getLong(OFFSET_FREE_ROOT), page.getShort(OFFSET_FREE_DEPTH) & 0xffff);
		}

		/**
		 * Requires every page up to the newest meta's last page to lie inside the file.
		 * LMDB may legitimately leave a few of the highest pages unwritten when a
		 * transaction allocated and then freed them; no reader ever touches a free page,
		 * so missing tail pages are accepted when the free-page tree lists every one.
		 */
		private void checkLength(Meta meta) throws IOException {
			long pageSize = meta.pageSize();
			if (meta.lastPage() > Long.MAX_VALUE / pageSize - 1) {
				throw corrupt("its meta page gives an impossible last page number " + meta.lastPage());
			}
			long required = (meta.lastPage() + 1) * pageSize;
			if (this.size >= required) {
				return;
			}
			long wholePages = this.size / pageSize;
			long missing = meta.lastPage() + 1 - wholePages;
			if (missing > MAX_MISSING_PAGES || !allFree(meta, wholePages, missing)) {
				throw corrupt("it is " + this.size + " bytes but its pages in use reach byte " + required
						+ ", so it was cut short (an interrupted copy, a full disk, or truncation)");
			}
		}

		/** Whether pages {@code from} to {@code from + count - 1} are all free. */
		private boolean allFree(Meta meta, long from, long count) throws IOException {
			BitSet free = new BitSet((int) count);
			if (meta.freeRoot() != NO_PAGE
					&& !collectFree(meta, meta.freeRoot(), meta.freeDepth(), from, count, free)) {
				return false;
			}
			return free.cardinality() == count;
		}

		/**
		 * Walks the free-page tree: leaf values are lists of page numbers (a count, then
		 * the numbers, 8 bytes each), inline or on overflow pages.
		 */
		private boolean collectFree(Meta meta, long pageNumber, int depth, long from, long count, BitSet free)
				throws IOException {
			if (depth < 1 || pageNumber < 2 || pageNumber > meta.lastPage()) {
				return false;
			}
			int pageSize = meta.pageSize();
			ByteBuffer page = read(pageNumber * pageSize, pageSize);
			if (page == null || page.getLong(0) != pageNumber) {
				return false;
			}
			int flags = page.getShort(OFFSET_FLAGS) & 0xffff;
			int lower = page.getShort(OFFSET_LOWER) & 0xffff;
			if (lower < PAGE_HEADER || lower > pageSize) {
				return false;
			}
			int keys = (lower - PAGE_HEADER) >> 1;
			for (int i = 0; i < keys; i++) {
				int node = page.getShort(PAGE_HEADER + 2 * i) & 0xffff;
				if (node + 8 > pageSize) {
					return false;
				}
				int low = page.getShort(node) & 0xffff;
				int high = page.getShort(node + 2) & 0xffff;
				int nodeFlags = page.getShort(node + 4) & 0xffff;
				int keySize = page.getShort(node + 6) & 0xffff;
				if ((flags & P_BRANCH) != 0) {
					long child = low | ((long) high << 16) | ((long) nodeFlags << 32);
					if (!collectFree(meta, child, depth - 1, from, count, free)) {
						return false;
					}
				}
				else if ((flags & P_LEAF) != 0) {
					long dataSize = low | ((long) high << 16);
					int dataOffset = node + 8 + keySize;
					ByteBuffer data;
					int start;
					if ((nodeFlags & F_BIGDATA) != 0) {
						if (dataOffset + 8 > pageSize) {
							return false;
						}
						long overflow = page.getLong(dataOffset);
						if (overflow < 2 || overflow > meta.lastPage() || dataSize > MAX_FREE_LIST_BYTES) {
							return false;
						}
						data = read(overflow * pageSize, (int) dataSize + PAGE_HEADER);
						if (data == null || (data.getShort(OFFSET_FLAGS) & P_OVERFLOW) == 0) {
							return false;
						}
						start = PAGE_HEADER;
					}
					else {
						if (dataOffset + dataSize > pageSize) {
							return false;
						}
						data = page;
						start = dataOffset;
					}
					if (dataSize < 8) {
						return false;
					}
					long ids = data.getLong(start);
					if (ids < 0 || (ids + 1) * 8 > dataSize) {
						return false;
					}
					for (long j = 1; j <= ids; j++) {
						long index = data.getLong(start + (int) (8 * j)) - from;
						if (index >= 0 && index < count) {
							free.set((int) index);
						}
					}
				}
				else {
					return false;
				}
			}
			return true;
		}

		/**
		 * Reads {@code length} bytes at {@code offset}, or null when the file ends first.
		 */
		private ByteBuffer read(long offset, int length) throws IOException {
			if (offset < 0 || offset + length > this.size) {
				return null;
			}
			ByteBuffer buffer = ByteBuffer.allocate(length).order(ORDER);
			while (buffer.hasRemaining()) {
				if (this.channel.read(buffer, offset + buffer.position()) < 0) {
					return null;
				}
			}
			return buffer.flip();
		}

		private CorruptDataException corrupt(String reason) {
			return new CorruptDataException("The store file " + this.file.toAbsolutePath() + " is damaged: " + reason
					+ ". Restore the store from a backup (see Varve.backup); Varve will not open a damaged file");
		}

	}

}
