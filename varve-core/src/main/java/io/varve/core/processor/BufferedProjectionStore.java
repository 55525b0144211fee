package io.varve.core.processor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.varve.InvalidArgumentException;
import io.varve.core.codec.PayloadCodec;
import io.varve.processor.ProjectionEntry;
import io.varve.processor.ProjectionStore;

/**
 * The projection store a handler sees: writes go to a {@link ProjectionBuffer}, reads see
 * the buffer over what lies beneath (read-your-own-writes within a batch, and across
 * batches while a commit is in flight).
 */
final class BufferedProjectionStore implements ProjectionStore {

	private final ProjectionBuffer buffer;

	private final ProjectionLayer view;

	private final CommittedProjections committed;

	private final PayloadCodec codec;

	private final TablePrefixes tables;

	/** What the handler read, when a parallel batch checks its threads kept apart. */
	private @Nullable ReadSet reads;

	/** Values this batch wrote, by the very array they were encoded into. */
	private final Map<byte[], Object> written = new IdentityHashMap<>();

	/** Value types that cannot change after they are put, so may be handed back as is. */
	private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Long.class, Integer.class, Short.class,
			Byte.class, Double.class, Float.class, Boolean.class, Character.class, java.math.BigDecimal.class,
			java.math.BigInteger.class);

	BufferedProjectionStore(ProjectionBuffer buffer, CommittedProjections committed, PayloadCodec codec) {
		this(buffer, committed, committed, codec, committed.tables()::prefix);
	}

	/**
	 * @param buffer where writes go
	 * @param lower what reads see beneath the buffer
	 * @param committed the committed store, which decodes values
	 * @param codec encodes values
	 * @param tables the key prefix each table is written and read under
	 */
	BufferedProjectionStore(ProjectionBuffer buffer, ProjectionLayer lower, CommittedProjections committed,
			PayloadCodec codec, TablePrefixes tables) {
		this.tables = tables;
		this.buffer = buffer;
		this.view = new BufferedLayer(buffer, lower);
		this.committed = committed;
		this.codec = codec;
	}

	/** Notes every key and table the handler reads from now on. */
	BufferedProjectionStore trackReads(ReadSet reads) {
		this.reads = reads;
		return this;
	}

	@Override
	public void put(String table, String key, Object value) {
		byte[] prefix = this.tables.prefix(table);
		byte[] fullKey = ProcessorKeys.projection(prefix, table, key);
		if (value == null) {
			throw new InvalidArgumentException("Value of key '" + key + "' in projection table '" + table
					+ "' must not be null; use delete(table, key) to remove it");
		}
		byte[] encoded = this.codec.encode(value,
				() -> "the value of key '" + key + "' in projection table '" + table + "'");
		if (IMMUTABLE.contains(value.getClass())) {
			// Read back in this batch (a running total), it need not be decoded again.
			this.written.put(encoded, value);
		}
		byte[] hidden = this.buffer.put(table, prefix, key, fullKey, encoded);
		if (hidden != null) {
			// Only the latest write of a key is read back: the map holds at most one
			// value per key written.
			this.written.remove(hidden);
		}
	}

	@Override
	public void delete(String table, String key) {
		byte[] prefix = this.tables.prefix(table);
		this.buffer.delete(table, prefix, key, ProcessorKeys.projection(prefix, table, key));
	}

	@Override
	public void clear(String table) {
		this.buffer.clear(table, this.tables.prefix(table));
	}

	@Override
	public <T> Optional<T> get(String table, String key, Class<T> type) {
		CommittedProjections.checkType(type);
		byte[] prefix = this.tables.readPrefix(table);
		if (this.reads != null) {
			this.reads.key(table, key);
		}
		byte[] value = this.view.raw(table, key, ProcessorKeys.projection(prefix, table, key));
		if (value == null || value == ProjectionBuffer.DELETED) {
			return Optional.empty();
		}
		Object known = this.written.get(value);
		if (known != null && type == known.getClass()) {
			return Optional.of(type.cast(known));
		}
		return Optional.of(this.committed.decode(value, table, key, type));
	}

	@Override
	public <T> List<ProjectionEntry<T>> list(String table, String afterKey, int limit, Class<T> type) {
		CommittedProjections.checkType(type);
		CommittedProjections.checkLimit(limit);
		byte[] prefix = this.tables.readPrefix(table);
		if (this.reads != null) {
			this.reads.table(table);
		}
		if (afterKey != null) {
			ProcessorKeys.projection(prefix, table, afterKey);
		}
		List<ProjectionEntry<T>> page = new ArrayList<>();
		for (Map.Entry<String, byte[]> entry : this.view.rawAfter(table, prefix, afterKey, limit)) {
			page.add(new ProjectionEntry<>(entry.getKey(),
					this.committed.decode(entry.getValue(), table, entry.getKey(), type)));
		}
		return page;
	}

}
