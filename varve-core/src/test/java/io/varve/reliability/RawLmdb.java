package io.varve.reliability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lmdbjava.Dbi;
import org.lmdbjava.DirectBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * A store's LMDB environment opened without Varve, to plant what Varve itself would never
 * write: a well-formed LMDB file holding damaged Varve records.
 */
final class RawLmdb {

	private RawLmdb() {
	}

	/** Opens the environment in a directory (creating it), runs the work, closes it. */
	static void with(Path store, Consumer<Env<DirectBuffer>> work) throws IOException {
		Files.createDirectories(store);
		try (Env<DirectBuffer> env = Env.create(DirectBufferProxy.PROXY_DB)
			.setMapSize(64 * 1024 * 1024)
			.setMaxDbs(16)
			.open(store.toFile())) {
			work.accept(env);
		}
	}

	/** Changes one table of a store in one committed transaction. */
	static void change(Path store, String table, Consumer<Change> work) throws IOException {
		with(store, (env) -> {
			Dbi<DirectBuffer> dbi = env.openDbi(table);
			try (Txn<DirectBuffer> txn = env.txnWrite()) {
				work.accept(new Change(dbi, txn));
				txn.commit();
			}
		});
	}

	/** A write transaction on one table. */
	record Change(Dbi<DirectBuffer> dbi, Txn<DirectBuffer> txn) {

		byte[] get(byte[] key) {
			DirectBuffer value = this.dbi.get(this.txn, direct(key));
			if (value == null) {
				throw new IllegalStateException("no such key");
			}
			byte[] bytes = new byte[value.capacity()];
			value.getBytes(0, bytes);
			return bytes;
		}

		void put(byte[] key, byte[] value) {
			this.dbi.put(this.txn, direct(key), direct(value));
		}

		void delete(byte[] key) {
			this.dbi.delete(this.txn, direct(key));
		}

	}

	static UnsafeBuffer direct(String text) {
		return direct(text.getBytes(StandardCharsets.UTF_8));
	}

	static UnsafeBuffer direct(byte[] bytes) {
		UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(1, bytes.length)), 0, bytes.length);
		buffer.putBytes(0, bytes);
		return buffer;
	}

	/** A log key: the position as 8 big-endian bytes. */
	static byte[] position(long position) {
		return ByteBuffer.allocate(8).putLong(position).array();
	}

}
