package io.varve.core.processor;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.varve.CorruptDataException;
import io.varve.DiskFullException;
import io.varve.StorageException;
import io.varve.StoreFullException;
import io.varve.VarveClosedException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failed commits a processor tries again (storage errors that pass once space is
 * freed or the device recovers) and which fail it, and what its status then says. A full
 * file system cannot be made here for real; the processor handles its
 * {@link DiskFullException} as the {@link StoreFullException} that
 * {@link ProcessorCommitRetryTest} produces.
 */
class CommitFailureTest {

	private static final String MAX_SIZE = "The store reached its maximum size of 4194304 bytes; the append was not written";

	@Test
	void fullStorageAndIoErrorsPassAndAreTriedAgain() {
		assertThat(CommitFailure.isTransient(new StoreFullException(MAX_SIZE))).isTrue();
		assertThat(CommitFailure.isTransient(new DiskFullException("no space", new IOException("ENOSPC")))).isTrue();
		assertThat(CommitFailure.isTransient(new StorageException("Cannot commit: EIO", new IOException("EIO"))))
			.isTrue();
		// A processor commit reports a storage error met part way through itself so.
		assertThat(CommitFailure.isTransient(new StorageException("The write failed", new IllegalStateException(
				"A processor commit failed part way", new DiskFullException("no space", null)))))
			.isTrue();
	}

	@Test
	void aDamagedOrClosedStoreAndFaultsInCodeFailTheProcessor() {
		assertThat(CommitFailure.isTransient(new CorruptDataException("page corrupted"))).isFalse();
		assertThat(CommitFailure.isTransient(new VarveClosedException("closed"))).isFalse();
		assertThat(CommitFailure.isTransient(new StorageException("wrapped", new CorruptDataException("bad"))))
			.isFalse();
		// The writer reports any exception of a commit as a storage error.
		assertThat(CommitFailure.isTransient(new StorageException("The write failed", new NullPointerException())))
			.isFalse();
		assertThat(CommitFailure.isTransient(new StorageException("The write failed", new OutOfMemoryError())))
			.isFalse();
		assertThat(CommitFailure.isTransient(new IllegalStateException("a bug"))).isFalse();
	}

	@Test
	void theDescriptionSaysWhichCommitFailedAndWhatToDoWithoutSpeakingOfAppends() {
		assertThat(CommitFailure.ofCheckpoint(12, true, new StoreFullException(MAX_SIZE)).describe())
			.isEqualTo("the commit of its checkpoint at position 12 with the projection writes and parked events "
					+ "of its last batch failed: the store is at its maximum size (io.varve.StoreFullException); "
					+ "raise varve.max-map-size (VarveBuilder.maxMapSize) or free space in the store");
		assertThat(CommitFailure
			.ofCheckpoint(7, false, new DiskFullException("no space left; the append was not " + "written", null))
			.describe())
			.isEqualTo("the commit of its checkpoint at position 7 failed: the file system holding the store has no "
					+ "space left (io.varve.DiskFullException); free space on it");
		assertThat(CommitFailure.ofCheckpoint(7, false, new StorageException("Cannot commit: EIO")).describe())
			.isEqualTo("the commit of its checkpoint at position 7 failed: io.varve.StorageException: "
					+ "Cannot commit: EIO");
	}

}
