package io.varve.core.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.varve.InvalidArgumentException;
import io.varve.core.codec.PayloadCodec;
import io.varve.processor.ProjectionEntry;
import io.varve.processor.ProjectionStore;

/**
 * The projection store a handler sees: writes go to a {@link ProjectionBuffer}, reads see
 * the buffer over the committed state (read-your-own-writes within a batch).
 */
final class BufferedProjectionStore implements ProjectionStore {

	private final ProjectionBuffer buffer;

	private final CommittedProjections committed;

	private final PayloadCodec codec;

	BufferedProjectionStore(ProjectionBuffer buffer, CommittedProjections committed, PayloadCodec codec) {
		this.buffer = buffer;
		this.committed = committed;
		this.codec = codec;
	}

	@Override
	public void put(String table, String key, Object value) {
		byte[] prefix = ProcessorKeys.tablePrefix(table);
		byte[] fullKey = ProcessorKeys.projection(prefix, table, key);
		if (value == null) {
			throw new InvalidArgumentException("Value of key '" + key + "' in projection table '" + table
					+ "' must not be null; use delete(table, key) to remove it");
		}
		byte[] encoded = this.codec.encode(value,
				() -> "the value of key '" + key + "' in projection table '" + table + "'");
		this.buffer.put(table, prefix, key, fullKey, encoded);
	}

	@Override
	public void delete(String table, String key) {
		byte[] prefix = ProcessorKeys.tablePrefix(table);
		this.buffer.delete(table, prefix, key, ProcessorKeys.projection(prefix, table, key));
	}

	@Override
	public void clear(String table) {
		this.buffer.clear(table, ProcessorKeys.tablePrefix(table));
	}

	@Override
	public <T> Optional<T> get(String table, String key, Class<T> type) {
		CommittedProjections.checkType(type);
		byte[] prefix = ProcessorKeys.tablePrefix(table);
		byte[] fullKey = ProcessorKeys.projection(prefix, table, key);
		byte[] value = this.buffer.lookup(table, key);
		if (value == null) {
			value = this.committed.raw(fullKey);
		}
		if (value == null || value == ProjectionBuffer.DELETED) {
			return Optional.empty();
		}
		return Optional.of(this.committed.decode(value, table, key, type));
	}

	@Override
	public <T> List<ProjectionEntry<T>> list(String table, String afterKey, int limit, Class<T> type) {
		CommittedProjections.checkType(type);
		CommittedProjections.checkLimit(limit);
		byte[] prefix = ProcessorKeys.tablePrefix(table);
		if (afterKey != null) {
			ProcessorKeys.projection(prefix, table, afterKey);
		}
		TreeMap<String, byte[]> buffered = this.buffer.entriesAfter(table, afterKey);
		TreeMap<String, byte[]> merged = new TreeMap<>(ProcessorKeys::compareKeys);
		if (!this.buffer.hidesCommitted(table)) {
			// Buffered deletions may hide committed entries: read that many more so the
			// page still fills.
			long hidden = buffered.values().stream().filter((value) -> value == ProjectionBuffer.DELETED).count();
			int wanted = (int) Math.min(Integer.MAX_VALUE, limit + hidden);
			for (Map.Entry<String, byte[]> entry : this.committed.rawAfter(table, prefix, afterKey, wanted)) {
				merged.put(entry.getKey(), entry.getValue());
			}
		}
		merged.putAll(buffered);
		List<ProjectionEntry<T>> page = new ArrayList<>(Math.min(limit, merged.size()));
		for (Map.Entry<String, byte[]> entry : merged.entrySet()) {
			if (entry.getValue() == ProjectionBuffer.DELETED) {
				continue;
			}
			page.add(new ProjectionEntry<>(entry.getKey(),
					this.committed.decode(entry.getValue(), table, entry.getKey(), type)));
			if (page.size() == limit) {
				break;
			}
		}
		return page;
	}

}
