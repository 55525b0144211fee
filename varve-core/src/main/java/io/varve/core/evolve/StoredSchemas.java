package io.varve.core.evolve;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;

import io.varve.core.codec.Envelope;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StorageEngine;
import io.varve.core.storage.WriteTxn;
import io.varve.core.write.WriteContext;

/**
 * The (type name, schema version) pairs of every event in the store, kept in their own
 * table so that the schema checks at open cost one small scan instead of a walk over the
 * log. A pair is recorded in the transaction that first stores an event of it; a store
 * written before the table existed gets it filled from its log once, when it is first
 * opened for writing.
 */
public final class StoredSchemas {

	/** Key of the entry that says the table covers the whole log. */
	private static final byte[] COMPLETE = { 0 };

	private static final byte[] EMPTY = new byte[0];

	private final Set<Schema> known = ConcurrentHashMap.newKeySet();

	/** Classes whose pair is known to be recorded: the append path's fast check. */
	private final Set<Class<?>> recordedClasses = ConcurrentHashMap.newKeySet();

	private StoredSchemas() {
	}

	/**
	 * Loads the pairs of a store, filling the table from the log first if the store was
	 * written before it existed (or, read-only, reading them from the log).
	 * @param engine the open storage engine, before any append
	 * @param readOnly whether the store is open read-only
	 * @return the pairs
	 */
	public static StoredSchemas load(StorageEngine engine, boolean readOnly) {
		StoredSchemas schemas = new StoredSchemas();
		boolean complete;
		try (ReadTxn txn = engine.beginRead()) {
			complete = txn.get(AuxTable.EVENT_TYPES, COMPLETE) != null;
			txn.scan(AuxTable.EVENT_TYPES, new byte[] { 1 }, (key, value) -> {
				schemas.known.add(Schema.fromKey(key));
				return true;
			});
		}
		if (complete) {
			return schemas;
		}
		try (ReadTxn txn = engine.beginRead()) {
			txn.scanLog(1, (position, envelope) -> {
				schemas.known.add(new Schema(typeName(envelope), Envelope.schemaVersion(envelope)));
				return true;
			});
		}
		if (!readOnly) {
			WriteTxn txn = engine.beginWrite();
			try {
				for (Schema schema : schemas.known) {
					txn.put(AuxTable.EVENT_TYPES, schema.key(), EMPTY);
				}
				txn.put(AuxTable.EVENT_TYPES, COMPLETE, EMPTY);
				txn.commit();
			}
			finally {
				txn.close();
			}
		}
		return schemas;
	}

	/**
	 * The pairs of a store with no events, before any is appended.
	 * @return no pairs
	 */
	public static StoredSchemas empty() {
		return new StoredSchemas();
	}

	private static String typeName(DirectBuffer envelope) {
		byte[] name = new byte[Envelope.typeLength(envelope)];
		envelope.getBytes(Envelope.typeOffset(envelope), name);
		return new String(name, StandardCharsets.UTF_8);
	}

	/** Every stored pair. */
	public Set<Schema> all() {
		return Collections.unmodifiableSet(this.known);
	}

	/**
	 * Notes the class of an event being appended: null when its pair is already recorded
	 * (the usual case, one set lookup), else the pair to record with the append.
	 * @param type the event class
	 * @param pending the pairs found so far for this append, or null
	 * @return the pairs to record, or null for none
	 */
	public @Nullable Pending check(Class<?> type, @Nullable Pending pending) {
		if (this.recordedClasses.contains(type)) {
			return pending;
		}
		Schema schema = new Schema(EventTypeRegistry.nameOf(type), EventTypeRegistry.versionOf(type));
		if (this.known.contains(schema)) {
			this.recordedClasses.add(type);
			return pending;
		}
		Pending result = (pending != null) ? pending : new Pending();
		result.add(schema);
		return result;
	}

	/**
	 * Notes a stored pair that a replicated event brings.
	 * @param type the type name as stored
	 * @param version the schema version
	 * @param pending the pairs found so far, or null
	 * @return the pairs to record, or null for none
	 */
	public @Nullable Pending check(String type, int version, @Nullable Pending pending) {
		Schema schema = new Schema(type, version);
		if (this.known.contains(schema)) {
			return pending;
		}
		Pending result = (pending != null) ? pending : new Pending();
		result.add(schema);
		return result;
	}

	/**
	 * A stored pair: a type name as stored and the schema version.
	 *
	 * @param type the type name
	 * @param version the schema version
	 */
	public record Schema(String type, int version) {

		byte[] key() {
			byte[] name = this.type.getBytes(StandardCharsets.UTF_8);
			return ByteBuffer.allocate(1 + name.length + 4).put((byte) 1).put(name).putInt(this.version).array();
		}

		static Schema fromKey(DirectBuffer key) {
			byte[] bytes = new byte[key.capacity()];
			key.getBytes(0, bytes);
			String name = new String(bytes, 1, bytes.length - 5, StandardCharsets.UTF_8);
			int version = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
			return new Schema(name, version);
		}

		@Override
		public String toString() {
			return "'" + this.type + "' version " + this.version;
		}

	}

	/** Pairs an append brings that the store has not recorded yet. */
	public final class Pending {

		private final List<Schema> schemas = new ArrayList<>(1);

		private Pending() {
		}

		void add(Schema schema) {
			if (!this.schemas.contains(schema)) {
				this.schemas.add(schema);
			}
		}

		/**
		 * Records the pairs in the append's transaction; they count as known once it
		 * commits.
		 * @param txn the transaction
		 * @param context the group's context
		 */
		public void record(WriteTxn txn, WriteContext context) {
			for (Schema schema : this.schemas) {
				if (!StoredSchemas.this.known.contains(schema)) {
					txn.put(AuxTable.EVENT_TYPES, schema.key(), EMPTY);
					context.afterCommit(() -> StoredSchemas.this.known.add(schema));
				}
			}
		}

		@Override
		public String toString() {
			return this.schemas.toString();
		}

	}

	@Override
	public String toString() {
		return "StoredSchemas" + Arrays.toString(this.known.toArray());
	}

}
