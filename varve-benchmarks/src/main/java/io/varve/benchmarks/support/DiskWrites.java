package io.varve.benchmarks.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes this process caused to be written to storage, from {@code /proc/self/io}
 * ({@code write_bytes}); 0 where the kernel does not report it. Used to show how many
 * bytes each durable commit writes.
 */
public final class DiskWrites {

	private static final Path IO = Path.of("/proc/self/io");

	private DiskWrites() {
	}

	/** Bytes written so far, or 0 when unknown. */
	public static long bytes() {
		try {
			for (String line : Files.readAllLines(IO)) {
				if (line.startsWith("write_bytes:")) {
					return Long.parseLong(line.substring("write_bytes:".length()).trim());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux, or not readable
		}
		return 0;
	}

}
