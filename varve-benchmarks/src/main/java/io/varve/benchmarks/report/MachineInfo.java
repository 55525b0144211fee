package io.varve.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Describes the machine a run happened on: CPU, cores, memory, JDK, OS, and the disk
 * holding the stores.
 */
public final class MachineInfo {

	private MachineInfo() {
	}

	/**
	 * Lines of Markdown describing the machine.
	 * @param workDir the directory the stores were written in
	 * @return the lines
	 */
	public static List<String> describe(Path workDir) {
		List<String> lines = new ArrayList<>();
		lines.add("- CPU: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
				+ " cores available to the JVM");
		lines.add("- Memory: " + memTotal());
		lines.add("- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
				+ " (" + System.getProperty("java.vendor") + ")");
		lines.add("- OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch"));
		lines.add("- Disk holding the stores (`" + workDir.toAbsolutePath() + "`): " + disk(workDir));
		return lines;
	}

	private static String cpuModel() {
		for (String line : read(Path.of("/proc/cpuinfo"))) {
			if (line.startsWith("model name")) {
				return line.substring(line.indexOf(':') + 1).trim();
			}
		}
		return System.getProperty("os.arch");
	}

	private static String memTotal() {
		for (String line : read(Path.of("/proc/meminfo"))) {
			if (line.startsWith("MemTotal:")) {
				long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
				return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
			}
		}
		return "unknown";
	}

	private static String disk(Path workDir) {
		// The stores are deleted by now: ask about the nearest directory that exists.
		Path existing = workDir.toAbsolutePath();
		while (existing.getParent() != null && !Files.isDirectory(existing)) {
			existing = existing.getParent();
		}
		List<String> df = run("df", "-hT", existing.toString());
		String description = "unknown";
		if (df.size() >= 2) {
			String[] fields = df.get(1).trim().split("\\s+");
			if (fields.length >= 3) {
				description = "device " + fields[0] + ", " + fields[1] + ", " + fields[2] + " total";
				String device = fields[0].replace("/dev/", "");
				List<String> lsblk = run("lsblk", "-dno", "NAME,ROTA,MODEL,SIZE", "/dev/" + device);
				if (!lsblk.isEmpty()) {
					String[] info = lsblk.get(0).trim().split("\\s+");
					if (info.length >= 2) {
						description += ", " + ("1".equals(info[1]) ? "reported rotational" : "reported non-rotational")
								+ " (lsblk: " + lsblk.get(0).trim() + ")";
					}
				}
			}
		}
		return description;
	}

	private static List<String> read(Path file) {
		try {
			return Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	private static List<String> run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
				return List.of();
			}
			return new String(output, StandardCharsets.UTF_8).lines().toList();
		}
		catch (IOException ex) {
			return List.of();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return List.of();
		}
	}

}
