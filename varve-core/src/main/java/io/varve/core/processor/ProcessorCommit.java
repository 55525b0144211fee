package io.varve.core.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import io.varve.VarveException;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.WriteTxn;
import io.varve.core.write.WriteContext;
import io.varve.core.write.WriteRequest;

/**
 * One processor transaction, applied inside a group commit: projection writes, parked
 * entries added or removed, and the checkpoint, all or nothing. The result is the change
 * in the number of parked entries.
 */
final class ProcessorCommit extends WriteRequest<Long> {

	private final byte[] checkpointKey;

	private final long checkpoint;

	private final String processor;

	private ProjectionBuffer projections;

	private @Nullable ProjectionTables owners;

	private final List<byte[][]> checkpointPuts = new ArrayList<>();

	private final List<byte[]> checkpointDeletes = new ArrayList<>();

	private @Nullable Consumer<WriteTxn> extra;

	private @Nullable Consumer<ReadTxn> prepare;

	private final List<byte[][]> parkedPuts = new ArrayList<>();

	private final List<byte[]> parkedDeletes = new ArrayList<>();

	private byte[] parkedPrefix;

	private byte[] parkedDeleteFrom;

	private long bytes;

	/**
	 * @param async whether the future completes off the writer thread
	 * @param processor the processor's name
	 * @param checkpoint the checkpoint to store, or -1 to leave it
	 */
	ProcessorCommit(boolean async, String processor, long checkpoint) {
		super(async);
		this.processor = processor;
		this.checkpointKey = ProcessorKeys.checkpoint(processor);
		this.checkpoint = checkpoint;
		this.bytes = this.checkpointKey.length + 9;
	}

	/**
	 * Adds a batch's projection writes.
	 * @param buffer the writes
	 * @param owners the table directory, to record that the processor owns the tables it
	 * writes first; null for a rebuild, whose tables join the directory when it switches
	 * @return this commit
	 */
	ProcessorCommit projections(ProjectionBuffer buffer, @Nullable ProjectionTables owners) {
		this.projections = buffer;
		this.owners = owners;
		this.bytes += buffer.byteSize();
		return this;
	}

	/** Puts an entry beside the checkpoints (a rebuild's state). */
	ProcessorCommit checkpointEntry(byte[] key, byte[] value) {
		this.checkpointPuts.add(new byte[][] { key, value });
		this.bytes += key.length + value.length;
		return this;
	}

	/** Deletes an entry beside the checkpoints. */
	ProcessorCommit deleteCheckpointEntry(byte[] key) {
		this.checkpointDeletes.add(key);
		return this;
	}

	/**
	 * Checks made first in the transaction, before anything is written: a
	 * {@link VarveException} they throw fails this commit alone, with nothing written.
	 */
	ProcessorCommit prepare(Consumer<ReadTxn> checks) {
		this.prepare = checks;
		return this;
	}

	/** More writes of the same transaction, made last (a rebuild's switch). */
	ProcessorCommit also(Consumer<WriteTxn> writes) {
		this.extra = writes;
		return this;
	}

	ProcessorCommit park(byte[] key, byte[] value) {
		this.parkedPuts.add(new byte[][] { key, value });
		this.bytes += key.length + value.length;
		return this;
	}

	ProcessorCommit unpark(byte[] key) {
		this.parkedDeletes.add(key);
		return this;
	}

	/** Removes the processor's parked entries at or after a position (a reset). */
	ProcessorCommit unparkFrom(String processor, long position) {
		this.parkedPrefix = ProcessorKeys.parkedPrefix(processor);
		this.parkedDeleteFrom = ProcessorKeys.parked(processor, position);
		return this;
	}

	@Override
	protected Long apply(WriteContext context) {
		if (this.prepare != null) {
			this.prepare.accept(context.txn());
		}
		try {
			return write(context.txn());
		}
		catch (VarveException ex) {
			// The writer commits a group whose failed request wrote nothing; this one may
			// have written part of itself, so fail the whole group instead.
			throw new IllegalStateException("A processor commit failed part way: " + ex.getMessage(), ex);
		}
	}

	private Long write(WriteTxn txn) {
		long parkedDelta = 0;
		if (this.parkedDeleteFrom != null) {
			parkedDelta -= ProcessorTables.deleteUnder(txn, AuxTable.PARKED, this.parkedDeleteFrom, this.parkedPrefix,
					Integer.MAX_VALUE);
		}
		if (this.projections != null) {
			this.projections.applyTo(txn);
			if (this.owners != null) {
				this.owners.recordOwner(txn, this.projections.tables(), this.processor);
			}
		}
		for (byte[][] put : this.parkedPuts) {
			if (txn.get(AuxTable.PARKED, put[0]) == null) {
				parkedDelta++;
			}
			txn.put(AuxTable.PARKED, put[0], put[1]);
		}
		for (byte[] key : this.parkedDeletes) {
			if (txn.delete(AuxTable.PARKED, key)) {
				parkedDelta--;
			}
		}
		if (this.checkpoint >= 0) {
			txn.put(AuxTable.CHECKPOINTS, this.checkpointKey, CheckpointRecord.encode(this.checkpoint));
		}
		for (byte[][] put : this.checkpointPuts) {
			txn.put(AuxTable.CHECKPOINTS, put[0], put[1]);
		}
		for (byte[] key : this.checkpointDeletes) {
			txn.delete(AuxTable.CHECKPOINTS, key);
		}
		if (this.extra != null) {
			this.extra.accept(txn);
		}
		return parkedDelta;
	}

	@Override
	protected int eventCount() {
		return 0;
	}

	@Override
	protected long byteSize() {
		return this.bytes;
	}

}
