package io.varve.core.lmdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.DirectBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

import io.varve.CorruptDataException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The data file check reads LMDB's meta pages itself. LMDB can leave its highest pages
 * unwritten when a transaction allocated and freed them (they are free, and nothing ever
 * reads a free page), so a healthy file may be shorter than its last page number says;
 * the check must accept that and still refuse a file missing a page in use.
 */
class DataFileCheckTest {

	@TempDir
	Path dir;

	@Test
	void readsPageSizeLastPageAndMapSizeOfTheNewerMetaPage() throws IOException {
		try (Env<DirectBuffer> env = env(this.dir)) {
			Dbi<DirectBuffer> table = env.openDbi("t", DbiFlags.MDB_CREATE);
			for (int i = 0; i < 3; i++) {
				try (Txn<DirectBuffer> txn = env.txnWrite()) {
					table.put(txn, key(i), value(100));
					txn.commit();
				}
			}
			DataFileCheck.Meta meta = DataFileCheck.check(this.dir);
			assertThat(meta.pageSize()).isEqualTo(env.stat().pageSize);
			assertThat(meta.lastPage()).isEqualTo(env.info().lastPageNumber);
			assertThat(meta.mapSize()).isEqualTo(env.info().mapSize);
			assertThat(meta.txnId()).isEqualTo(env.info().lastTransactionId);
		}
	}

	@Test
	void acceptsAFileWhoseMissingTailPagesAreAllFree() throws IOException {
		long lastPage = fileWithFreeTail(this.dir);
		Path file = this.dir.resolve("data.mdb");
		int pageSize = DataFileCheck.check(this.dir).pageSize();
		assertThat(Files.size(file)).isEqualTo((lastPage + 1) * pageSize);
		// The highest page is free (see fileWithFreeTail): a file without it is healthy.
		truncate(file, lastPage * pageSize);
		assertThat(DataFileCheck.check(this.dir).lastPage()).isEqualTo(lastPage);
		try (Env<DirectBuffer> env = env(this.dir)) {
			Dbi<DirectBuffer> table = env.openDbi("t");
			try (Txn<DirectBuffer> txn = env.txnRead()) {
				for (int i = 0; i < 2000; i++) {
					assertThat(table.get(txn, key(i))).as("record %s", i).isNotNull();
				}
			}
		}
	}

	@Test
	void refusesAFileMissingPagesInUseEvenWhenTheTailIsFree() throws IOException {
		fileWithFreeTail(this.dir);
		Path file = this.dir.resolve("data.mdb");
		truncate(file, Files.size(file) * 2 / 5);
		assertThatThrownBy(() -> DataFileCheck.check(this.dir)).isInstanceOf(CorruptDataException.class)
			.hasMessageContaining("cut short");
	}

	/**
	 * Builds a healthy file whose highest pages are free: a transaction writes many large
	 * records at the top of the file, the next deletes them (its own new pages now lie
	 * above them), and a third changes one record, copying every page the second wrote to
	 * reclaimed lower pages and freeing the top of the file.
	 * @return the last page number the meta page records
	 */
	private static long fileWithFreeTail(Path dir) {
		try (Env<DirectBuffer> env = env(dir)) {
			Dbi<DirectBuffer> table = env.openDbi("t", DbiFlags.MDB_CREATE);
			try (Txn<DirectBuffer> txn = env.txnWrite()) {
				for (int i = 0; i < 2000; i++) {
					table.put(txn, key(i), value(100));
				}
				for (int i = 10_000; i < 10_100; i++) {
					table.put(txn, key(i), value(20_000));
				}
				txn.commit();
			}
			try (Txn<DirectBuffer> txn = env.txnWrite()) {
				for (int i = 10_000; i < 10_100; i++) {
					table.delete(txn, key(i));
				}
				txn.commit();
			}
			for (int i = 0; i < 3; i++) {
				try (Txn<DirectBuffer> txn = env.txnWrite()) {
					table.put(txn, key(i), value(100));
					txn.commit();
				}
			}
			return env.info().lastPageNumber;
		}
	}

	private static void truncate(Path file, long size) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.truncate(size);
		}
	}

	private static Env<DirectBuffer> env(Path dir) {
		return Env.create(DirectBufferProxy.PROXY_DB).setMapSize(64L << 20).setMaxDbs(4).open(dir.toFile());
	}

	private static DirectBuffer key(int i) {
		UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4));
		buffer.putInt(0, i);
		return buffer;
	}

	private static DirectBuffer value(int size) {
		return new UnsafeBuffer(ByteBuffer.allocateDirect(size));
	}

}
