package io.varve.core.lmdb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

import io.varve.IncompatibleFormatException;

/**
 * Opens the named databases of a store and checks its format record: a new store gets
 * every table and the record, an existing one must carry Varve's magic and a format
 * version this build reads.
 */
final class LmdbTables {

	/**
	 * Format version written to new stores and required of existing ones. Version 2:
	 * envelopes record their stream's previous position and stream heads are a fixed 48
	 * bytes.
	 */
	static final int FORMAT_VERSION = 3;

	static final byte[] MAGIC = "VARVE\0".getBytes(StandardCharsets.US_ASCII);

	static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);

	/** Table names, in the order of the engine's table indexes. */
	static final String[] NAMES = { "meta", "log", "streams", "stream-index", "event-ids", "checkpoints", "projections",
			"parked", "event-types", "snapshots" };

	private LmdbTables() {
	}

	/**
	 * Opens (creating in a writable, new store) every table and checks the format.
	 * @param env the environment
	 * @param readOnly whether the store is opened read-only
	 * @param directory the store directory, for messages
	 * @param newStoreMeta entries to write beside the format record of a new store
	 * @return the tables in the order of {@link #NAMES}
	 */
	static List<Dbi<DirectBuffer>> open(Env<DirectBuffer> env, boolean readOnly, Path directory,
			Map<String, byte[]> newStoreMeta) {
		Set<String> existing = new LinkedHashSet<>();
		for (byte[] name : env.getDbiNames()) {
			existing.add(new String(name, StandardCharsets.UTF_8));
		}
		boolean fresh = existing.isEmpty();
		if (!fresh && !existing.contains(NAMES[LmdbStorageEngine.META])) {
			throw new IncompatibleFormatException(
					"The directory " + directory + " holds an LMDB database that is not a Varve store (its tables are "
							+ describe(existing) + "); point Varve at an empty directory or at a Varve store");
		}
		if (fresh && readOnly) {
			throw new IncompatibleFormatException("The store at " + directory
					+ " holds no Varve data yet; open it once with Varve.open(path) to create it, or check the path");
		}
		List<Dbi<DirectBuffer>> dbis = new ArrayList<>();
		try (Txn<DirectBuffer> txn = readOnly ? env.txnRead() : env.txnWrite()) {
			for (String name : NAMES) {
				if (readOnly && !existing.contains(name)) {
					throw new IncompatibleFormatException("The store at " + directory + " lacks its '" + name
							+ "' table; it was not written by a compatible Varve. Open it with the Varve release "
							+ "that wrote it");
				}
				DbiFlags[] flags = readOnly ? new DbiFlags[0] : new DbiFlags[] { DbiFlags.MDB_CREATE };
				dbis.add(env.openDbi(txn, name.getBytes(StandardCharsets.UTF_8), null, false, flags));
			}
			Dbi<DirectBuffer> meta = dbis.get(LmdbStorageEngine.META);
			if (fresh) {
				meta.put(txn, direct(FORMAT_KEY), direct(formatRecord(FORMAT_VERSION)));
				newStoreMeta.forEach(
						(key, value) -> meta.put(txn, direct(key.getBytes(StandardCharsets.UTF_8)), direct(value)));
			}
			else {
				checkFormat(meta.get(txn, direct(FORMAT_KEY)), directory);
			}
			// Committing also keeps the table handles: those opened in a read-only
			// transaction that is merely closed would be closed with it.
			txn.commit();
		}
		return dbis;
	}

	private static String describe(Set<String> names) {
		List<String> shown = new ArrayList<>();
		for (String name : names) {
			if (shown.size() == 8) {
				shown.add("...");
				break;
			}
			shown.add((name.length() > 40) ? name.substring(0, 40) + "..." : name);
		}
		return shown.toString();
	}

	private static void checkFormat(DirectBuffer record, Path directory) {
		if (record == null || record.capacity() != MAGIC.length + 2) {
			throw new IncompatibleFormatException("The store at " + directory
					+ " has no valid Varve format record; it is not a Varve store or it is damaged. Point Varve at "
					+ "a Varve store, or restore it from a backup");
		}
		byte[] magic = new byte[MAGIC.length];
		record.getBytes(0, magic);
		if (!Arrays.equals(magic, MAGIC)) {
			throw new IncompatibleFormatException("The store at " + directory
					+ " has a foreign format record; it is not a Varve store. Point Varve at an empty directory or "
					+ "at a Varve store");
		}
		int version = record.getShort(MAGIC.length, ByteOrder.BIG_ENDIAN) & 0xffff;
		if (version != FORMAT_VERSION) {
			throw new IncompatibleFormatException("The store at " + directory + " uses Varve on-disk format version "
					+ version + " but this Varve reads version " + FORMAT_VERSION
					+ ((version < FORMAT_VERSION)
							? " (every event now carries a checksum, and writes go through a journal). Move its "
									+ "events: open it with the Varve release that wrote it and append every event, "
									+ "in position order with its id, to a new store opened with this one (see "
									+ "'Moving events to a new format' in the README); the old store is left as it is"
							: "; open it with the Varve release that wrote it"));
		}
	}

	/**
	 * The format record: Varve's magic and a big-endian 16-bit version.
	 * @param version the format version
	 * @return the record's bytes
	 */
	static byte[] formatRecord(int version) {
		byte[] record = Arrays.copyOf(MAGIC, MAGIC.length + 2);
		record[MAGIC.length] = (byte) (version >>> 8);
		record[MAGIC.length + 1] = (byte) version;
		return record;
	}

	private static UnsafeBuffer direct(byte[] bytes) {
		UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length));
		buffer.putBytes(0, bytes);
		return buffer;
	}

}
