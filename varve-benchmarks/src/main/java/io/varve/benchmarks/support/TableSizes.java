package io.varve.benchmarks.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.lmdbjava.Dbi;
import org.lmdbjava.DirectBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * Where the pages of a closed store's data file are: the bytes each of its tables holds
 * (branch, leaf and overflow pages), and the pages of the file no table holds, which LMDB
 * reuses before it grows the file (its free list, including the free list's own pages).
 * Read with lmdbjava from the file itself, read-only, after Varve closed it.
 *
 * @param tables bytes per table, by LMDB database name
 * @param freeBytes bytes of the file's used part (up to its last page) that no table
 * holds
 */
public record TableSizes(Map<String, Long> tables, long freeBytes) {

	/** LMDB's two meta pages. */
	private static final int META_PAGES = 2;

	/**
	 * Reads the layout of a store that no process has open for writing.
	 * @param directory the store directory
	 * @return its layout
	 */
	public static TableSizes read(Path directory) {
		try (Env<DirectBuffer> env = Env.create(DirectBufferProxy.PROXY_DB)
			.setMaxDbs(64)
			.open(directory.toFile(), EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOTLS)) {
			Stat main = env.stat();
			long pageSize = main.pageSize;
			long filePages = env.info().lastPageNumber + 1;
			long tablePages = pages(main);
			Map<String, Long> tables = new LinkedHashMap<>();
			for (byte[] name : env.getDbiNames()) {
				Dbi<DirectBuffer> dbi = env.openDbi(name);
				try (Txn<DirectBuffer> txn = env.txnRead()) {
					long pages = pages(dbi.stat(txn));
					tablePages += pages;
					tables.put(new String(name, StandardCharsets.UTF_8), pages * pageSize);
				}
			}
			return new TableSizes(tables, (filePages - META_PAGES - tablePages) * pageSize);
		}
	}

	/**
	 * The bytes a table holds.
	 * @param name its LMDB database name
	 * @return the bytes, 0 for a table the store does not have
	 */
	public long table(String name) {
		return this.tables.getOrDefault(name, 0L);
	}

	private static long pages(Stat stat) {
		return stat.branchPages + stat.leafPages + stat.overflowPages;
	}

}
