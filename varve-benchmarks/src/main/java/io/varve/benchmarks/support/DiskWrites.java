package io.varve.benchmarks.support;

import java.nio.file.Path;

/**
 * Bytes written to the block device holding a directory ({@link DeviceStats}: sectors
 * written, from {@code /sys/block}), 0 where the system does not tell. Used to show how
 * many bytes each durable commit writes, counting what the file system adds (its journal)
 * and the zeros Varve keeps ahead of its file. Not {@code /proc/self/io}'s
 * {@code write_bytes}: that counts page-cache folios dirtied, and with large folios (ext4
 * on recent kernels) a 4 KiB page written counts as the whole folio.
 */
public final class DiskWrites {

	private DiskWrites() {
	}

	/**
	 * Bytes written to the directory's device so far.
	 * @param directory a directory on the device
	 * @return the bytes, or 0 when unknown
	 */
	public static long bytes(Path directory) {
		long sectors = DeviceStats.of(directory).sectorsWritten();
		return (sectors < 0) ? 0 : sectors * 512;
	}

}
