package io.varve.core.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Buffered projection writes over a lower layer. A handler reads its batch's buffer over
 * the previous batch's, while that one's commit is in flight, over the committed store:
 * so it sees the previous batch's writes whether or not they have reached the store yet.
 * A buffer is no longer changed once its commit is queued, so reading it while the writer
 * applies it is safe.
 */
final class BufferedLayer implements ProjectionLayer {

	private final ProjectionBuffer buffer;

	private final ProjectionLayer lower;

	BufferedLayer(ProjectionBuffer buffer, ProjectionLayer lower) {
		this.buffer = buffer;
		this.lower = lower;
	}

	@Override
	public byte[] raw(String table, String key, byte[] fullKey) {
		byte[] value = this.buffer.lookup(table, key);
		return (value != null) ? value : this.lower.raw(table, key, fullKey);
	}

	@Override
	public List<Map.Entry<String, byte[]>> rawAfter(String table, byte[] prefix, String afterKey, int limit) {
		TreeMap<String, byte[]> buffered = this.buffer.entriesAfter(table, afterKey);
		TreeMap<String, byte[]> merged = new TreeMap<>(ProcessorKeys::compareKeys);
		if (!this.buffer.hidesCommitted(table)) {
			// Buffered deletions may hide lower entries: read that many more so the
			// page still fills.
			long hidden = buffered.values().stream().filter((value) -> value == ProjectionBuffer.DELETED).count();
			int wanted = (int) Math.min(Integer.MAX_VALUE, limit + hidden);
			for (Map.Entry<String, byte[]> entry : this.lower.rawAfter(table, prefix, afterKey, wanted)) {
				merged.put(entry.getKey(), entry.getValue());
			}
		}
		merged.putAll(buffered);
		List<Map.Entry<String, byte[]>> live = new ArrayList<>(Math.min(limit, merged.size()));
		for (Map.Entry<String, byte[]> entry : merged.entrySet()) {
			if (entry.getValue() != ProjectionBuffer.DELETED) {
				live.add(entry);
				if (live.size() == limit) {
					break;
				}
			}
		}
		return live;
	}

}
