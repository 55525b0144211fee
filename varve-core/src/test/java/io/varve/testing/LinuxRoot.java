package io.varve.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where tests that need Linux and root (to mount file systems, to run a process as
 * another user) can run.
 */
public final class LinuxRoot {

	private LinuxRoot() {
	}

	/** Whether this is Linux. */
	public static boolean isLinux() {
		return System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux");
	}

	/** Whether this process runs as root (uid 0). */
	public static boolean isRoot() throws IOException {
		if (!isLinux()) {
			return false;
		}
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("Uid:")) {
				return line.split("\\s+")[1].equals("0");
			}
		}
		return false;
	}

}
