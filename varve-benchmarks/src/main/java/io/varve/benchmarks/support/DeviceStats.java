package io.varve.benchmarks.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counters of the block device holding a directory, from Linux's
 * {@code /sys/dev/block/<major>:<minor>/stat} (the whole disk's when the directory is on
 * a partition): cache flushes completed and sectors written. They count every process's
 * I/O to that device, so they show what a peer server process does too; on a quiet
 * machine they are what the measured load did.
 *
 * @param flushes flush requests completed (kernel 5.5 and later), -1 when unknown
 * @param sectorsWritten 512-byte sectors written, -1 when unknown
 */
public record DeviceStats(long flushes, long sectorsWritten) {

	private static final DeviceStats UNKNOWN = new DeviceStats(-1, -1);

	/**
	 * Reads the counters now.
	 * @param directory a directory on the device
	 * @return the counters, or unknown ones (-1) where the system does not tell
	 */
	public static DeviceStats of(Path directory) {
		try {
			String[] fields = Files.readString(device(directory).resolve("stat")).trim().split("\\s+");
			long sectors = Long.parseLong(fields[6]);
			long flushes = (fields.length > 15) ? Long.parseLong(fields[15]) : -1;
			return new DeviceStats(flushes, sectors);
		}
		catch (IOException | RuntimeException ex) {
			return UNKNOWN;
		}
	}

	/**
	 * The whole disk holding a directory, in {@code /sys}.
	 * @param directory a directory on the disk
	 * @return the disk's directory under {@code /sys/devices}
	 * @throws IOException if the system has no such entry (not Linux, not a block device)
	 */
	static Path device(Path directory) throws IOException {
		long dev = ((Number) Files.getAttribute(directory, "unix:dev")).longValue();
		long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
		long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
		Path device = Path.of("/sys/dev/block/" + major + ":" + minor).toRealPath();
		return Files.exists(device.resolve("partition")) ? device.getParent() : device;
	}

	/**
	 * Flushes since an earlier reading, per unit of work.
	 * @param earlier the earlier reading
	 * @param units commits, events, ...
	 * @return flushes per unit, or NaN when unknown
	 */
	public double flushesPer(DeviceStats earlier, long units) {
		if (this.flushes < 0 || earlier.flushes < 0 || units <= 0) {
			return Double.NaN;
		}
		return (double) (this.flushes - earlier.flushes) / units;
	}

	/**
	 * Bytes written to the device since an earlier reading, per unit of work. Counts what
	 * the file system adds (its journal) and the zeros Varve keeps ahead of its file. Not
	 * {@code /proc/self/io}'s {@code write_bytes}: that counts page-cache folios dirtied,
	 * and with large folios (ext4 on recent kernels) a 4 KiB page written counts as the
	 * whole folio.
	 * @param earlier the earlier reading
	 * @param units commits, events, ... (at least 1 is assumed)
	 * @return bytes per unit, or 0 when unknown
	 */
	public double bytesPer(DeviceStats earlier, double units) {
		if (this.sectorsWritten < 0 || earlier.sectorsWritten < 0) {
			return 0;
		}
		return (this.sectorsWritten - earlier.sectorsWritten) * 512.0 / Math.max(1.0, units);
	}

}
