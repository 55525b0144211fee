package io.varve.core.processor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.DirectBuffer;
import org.jspecify.annotations.Nullable;

import io.varve.CorruptDataException;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.ReadTxn;

/**
 * A processor's rebuild as stored, so that one interrupted by a shutdown or a crash goes
 * on when the processor starts again. Stored beside the checkpoints under {@code 0x02}
 * and the processor's name (no processor name starts with a control byte).
 *
 * @param dropping false while the new generation is filled, true once it is live and the
 * old one is being dropped
 * @param fromPosition the rebuild's first position
 * @param checkpoint the last position the new generation has handled
 * @param startedAtMicros when the rebuild started
 * @param tables while filling: the tables written, with the generation they are written
 * in; while dropping: the tables whose generation is still to be dropped
 */
record RebuildRecord(boolean dropping, long fromPosition, long checkpoint, long startedAtMicros,
		Map<String, Integer> tables) {

	private static final byte FORMAT = 1;

	static byte[] key(String processor) {
		byte[] name = processor.getBytes(StandardCharsets.UTF_8);
		byte[] key = new byte[name.length + 1];
		key[0] = 0x02;
		System.arraycopy(name, 0, key, 1, name.length);
		return key;
	}

	static @Nullable RebuildRecord read(ReadTxn txn, String processor) {
		DirectBuffer value = txn.get(AuxTable.CHECKPOINTS, key(processor));
		return (value != null) ? decode(value, processor) : null;
	}

	RebuildRecord at(long position, Map<String, Integer> written) {
		return new RebuildRecord(false, this.fromPosition, position, this.startedAtMicros, new TreeMap<>(written));
	}

	byte[] encode() {
		int size = 1 + 1 + 8 + 8 + 8 + 4;
		for (String table : this.tables.keySet()) {
			size += 1 + 2 + table.getBytes(StandardCharsets.UTF_8).length;
		}
		ByteBuffer out = ByteBuffer.allocate(size);
		out.put(FORMAT).put((byte) (this.dropping ? 1 : 0));
		out.putLong(this.fromPosition).putLong(this.checkpoint).putLong(this.startedAtMicros);
		out.putInt(this.tables.size());
		this.tables.forEach((table, generation) -> {
			byte[] name = table.getBytes(StandardCharsets.UTF_8);
			out.put((byte) (int) generation).putShort((short) name.length).put(name);
		});
		return out.array();
	}

	static RebuildRecord decode(DirectBuffer value, String processor) {
		try {
			byte[] bytes = new byte[value.capacity()];
			value.getBytes(0, bytes);
			ByteBuffer in = ByteBuffer.wrap(bytes);
			if (in.get() != FORMAT) {
				throw new IllegalArgumentException("unknown format");
			}
			boolean dropping = in.get() == 1;
			long from = in.getLong();
			long checkpoint = in.getLong();
			long started = in.getLong();
			int count = in.getInt();
			Map<String, Integer> tables = new TreeMap<>();
			for (int i = 0; i < count; i++) {
				int generation = in.get();
				byte[] name = new byte[in.getShort()];
				in.get(name);
				tables.put(new String(name, StandardCharsets.UTF_8), generation);
			}
			return new RebuildRecord(dropping, from, checkpoint, started, tables);
		}
		catch (RuntimeException ex) {
			throw new CorruptDataException("The store file is damaged: the rebuild state of processor '" + processor
					+ "' cannot be read (" + ex + "). Restore the store from a backup", ex);
		}
	}

}
