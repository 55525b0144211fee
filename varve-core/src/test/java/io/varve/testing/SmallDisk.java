package io.varve.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A small file system of its own, mounted for a test that needs to fill it: an ext4 image
 * on a loop device (where Varve keeps zeroed space ahead of its file) or a tmpfs. Needs
 * Linux and root; elsewhere the test is skipped with the reason.
 */
public final class SmallDisk implements AutoCloseable {

	private final Path root;

	private SmallDisk(Path root) {
		this.root = root;
	}

	/**
	 * Mounts a file system, or skips the test when that is not possible here.
	 * @param work a directory for the image and the mount point
	 * @param type {@code ext4} or {@code tmpfs}
	 * @param megabytes its size
	 * @return the mounted file system; close it to unmount
	 */
	public static SmallDisk mount(Path work, String type, int megabytes) throws IOException, InterruptedException {
		assumeTrue(LinuxRoot.isLinux(), "filling a file system of its own needs Linux mounts");
		assumeTrue(LinuxRoot.isRoot(),
				"mounting a small file system to fill needs root; run the tests as root to test a full disk");
		Path mountPoint = Files.createDirectories(work.resolve(type + "-mount"));
		if (type.equals("tmpfs")) {
			run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString());
		}
		else {
			Path image = work.resolve(type + ".img");
			run("truncate", "-s", megabytes + "M", image.toString());
			// No blocks reserved for root: the tests run as root and must see it full.
			run("mkfs." + type, "-q", "-F", "-m", "0", image.toString());
			run("mount", "-o", "loop", image.toString(), mountPoint.toString());
		}
		return new SmallDisk(mountPoint);
	}

	/** Where the file system is mounted. */
	public Path root() {
		return this.root;
	}

	/** The bytes this process may still write there. */
	public long usable() throws IOException {
		return Files.getFileStore(this.root).getUsableSpace();
	}

	/**
	 * Fills the file system with a file until about {@code leave} bytes are left.
	 * @param leave the bytes to leave
	 * @return the file, to delete to free the space
	 */
	public Path fillLeaving(long leave) throws IOException {
		Path ballast = Files.createTempFile(this.root, "ballast", ".bin");
		byte[] chunk = new byte[64 * 1024];
		try (OutputStream out = Files.newOutputStream(ballast)) {
			long toWrite = usable() - leave;
			while (toWrite > 0) {
				int length = (int) Math.min(chunk.length, toWrite);
				out.write(chunk, 0, length);
				toWrite -= length;
			}
		}
		return ballast;
	}

	@Override
	public void close() throws IOException, InterruptedException {
		// Lazily: a process the test started may still hold a file open there.
		run("umount", "-l", this.root.toString());
	}

	private static void run(String... command) throws IOException, InterruptedException {
		List<String> line = new ArrayList<>(List.of(command));
		Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		boolean ended = process.waitFor(60, TimeUnit.SECONDS);
		assumeTrue(ended && process.exitValue() == 0, () -> "could not mount a small file system (" + line
				+ (ended ? " exited with " + process.exitValue() : " hung") + ": " + output.trim() + ")");
	}

}
