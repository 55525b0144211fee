package io.varve.core.processor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.agrona.DirectBuffer;

import io.varve.InvalidArgumentException;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.Keys;
import io.varve.processor.ProjectionEntry;
import io.varve.processor.ProjectionView;

/**
 * Reads committed projection state, each call in its own short snapshot. Query code uses
 * it as the registry's {@link ProjectionView}; handlers read through it beneath their
 * buffered writes.
 */
final class CommittedProjections implements ProjectionView, ProjectionLayer {

	static final int MAX_LIMIT = 10_000;

	private final Function<Function<ReadTxn, Object>, Object> reads;

	private final PayloadCodec codec;

	private final ProjectionTables tables;

	/**
	 * @param reads runs a function in a fresh snapshot
	 * @param codec decodes values
	 * @param tables the directory of projection tables
	 */
	CommittedProjections(Function<Function<ReadTxn, Object>, Object> reads, PayloadCodec codec,
			ProjectionTables tables) {
		this.reads = reads;
		this.codec = codec;
		this.tables = tables;
	}

	/** The directory of projection tables. */
	ProjectionTables tables() {
		return this.tables;
	}

	@Override
	public <T> Optional<T> get(String table, String key, Class<T> type) {
		checkType(type);
		// The live generation is read in the same snapshot as the value.
		byte[] value = (byte[]) this.reads.apply((txn) -> {
			byte[] fullKey = ProcessorKeys.projection(this.tables.prefix(txn, table), table, key);
			DirectBuffer stored = txn.get(AuxTable.PROJECTIONS, fullKey);
			return (stored != null) ? copy(stored) : null;
		});
		return Optional.ofNullable((value != null) ? decode(value, table, key, type) : null);
	}

	@SuppressWarnings("unchecked")
	@Override
	public <T> List<ProjectionEntry<T>> list(String table, String afterKey, int limit, Class<T> type) {
		checkType(type);
		checkLimit(limit);
		List<Map.Entry<String, byte[]>> entries = (List<Map.Entry<String, byte[]>>) this.reads
			.apply((txn) -> scanAfter(txn, table, this.tables.prefix(txn, table), afterKey, limit));
		List<ProjectionEntry<T>> page = new ArrayList<>();
		for (Map.Entry<String, byte[]> entry : entries) {
			page.add(new ProjectionEntry<>(entry.getKey(), decode(entry.getValue(), table, entry.getKey(), type)));
		}
		return page;
	}

	@Override
	public byte[] raw(String table, String key, byte[] fullKey) {
		return raw(fullKey);
	}

	/** The committed value of a full key, or null. */
	byte[] raw(byte[] fullKey) {
		return (byte[]) this.reads.apply((txn) -> {
			DirectBuffer value = txn.get(AuxTable.PROJECTIONS, fullKey);
			return (value != null) ? copy(value) : null;
		});
	}

	/** Up to {@code limit} committed entries of a table after a key, in key order. */
	@SuppressWarnings("unchecked")
	@Override
	public List<Map.Entry<String, byte[]>> rawAfter(String table, byte[] prefix, String afterKey, int limit) {
		return (List<Map.Entry<String, byte[]>>) this.reads
			.apply((txn) -> scanAfter(txn, table, prefix, afterKey, limit));
	}

	private static List<Map.Entry<String, byte[]>> scanAfter(ReadTxn txn, String table, byte[] prefix, String afterKey,
			int limit) {
		byte[] from = (afterKey != null) ? ProcessorKeys.projection(prefix, table, afterKey) : prefix;
		List<Map.Entry<String, byte[]>> entries = new ArrayList<>();
		txn.scan(AuxTable.PROJECTIONS, from, (key, value) -> {
			if (!Keys.startsWith(key, prefix)) {
				return false;
			}
			byte[] keyBytes = new byte[key.capacity() - prefix.length];
			key.getBytes(prefix.length, keyBytes);
			String name = new String(keyBytes, StandardCharsets.UTF_8);
			if (afterKey != null && name.equals(afterKey)) {
				return true;
			}
			entries.add(Map.entry(name, copy(value)));
			return entries.size() < limit;
		});
		return entries;
	}

	<T> T decode(byte[] value, String table, String key, Class<T> type) {
		return this.codec.decode(value, 0, value.length, type,
				"the value of key '" + key + "' in projection table '" + table + "'");
	}

	static void checkType(Class<?> type) {
		if (type == null) {
			throw new InvalidArgumentException("Class to decode projection values into must not be null");
		}
	}

	static void checkLimit(int limit) {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new InvalidArgumentException("Limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
		}
	}

	private static byte[] copy(DirectBuffer buffer) {
		byte[] bytes = new byte[buffer.capacity()];
		buffer.getBytes(0, bytes);
		return bytes;
	}

}
