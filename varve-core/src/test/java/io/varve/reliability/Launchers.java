package io.varve.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import io.varve.testing.LinuxRoot;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ways to start a child JVM that the test's own cannot be: as the unprivileged user
 * {@code nobody} (permissions mean nothing to root, which the tests may run as), or under
 * a given umask. A child as {@code nobody} cannot read a class path under root's home, so
 * what it cannot reach is copied once to a directory everyone can read.
 */
final class Launchers {

	static final int NOBODY = 65534;

	private static String sharedClassPath;

	private Launchers() {
	}

	/**
	 * Starts a store process as {@code nobody} (group {@code nogroup}, 65534), or skips
	 * the test where that is not possible.
	 * @param logDirectory where to keep the child's stderr
	 * @return the running child
	 */
	static ChildJvm startAsNobody(Path logDirectory) throws IOException {
		assumeTrue(LinuxRoot.isLinux(), "running a child as another user needs Linux's setpriv");
		assumeTrue(LinuxRoot.isRoot(),
				"permission errors can only be tested as a user other than root, and only root can "
						+ "start a process as another user here; run the tests as root to cover them");
		assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) is not installed");
		return ChildJvm.start(
				List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--inh-caps=-all"),
				sharedClassPath(), StoreProcessMain.class, logDirectory, List.of());
	}

	/**
	 * Starts a store process under a umask.
	 * @param umask the umask, such as {@code 000}
	 * @param logDirectory where to keep the child's stderr
	 * @return the running child
	 */
	static ChildJvm startWithUmask(String umask, Path logDirectory) throws IOException {
		assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "setting a umask needs /bin/sh");
		return ChildJvm.start(List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\""),
				System.getProperty("java.class.path"), StoreProcessMain.class, logDirectory, List.of());
	}

	/** Lets other users into a directory (the test's temporary directory is private). */
	static void openToOthers(Path directory) throws IOException {
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	private static synchronized String sharedClassPath() throws IOException {
		if (sharedClassPath == null) {
			Path shared = Files.createTempDirectory("varve-shared-classpath-");
			openToOthers(shared);
			shared.toFile().deleteOnExit();
			List<String> entries = new ArrayList<>();
			int index = 0;
			for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
				Path path = Path.of(entry);
				if (!Files.exists(path) || reachableByOthers(path)) {
					entries.add(entry);
					continue;
				}
				// A checkout in a private directory (a fresh clone under mktemp -d, say)
				// hides the build's class directories as much as ~/.m2 hides the jars.
				Path copy = shared.resolve((index++) + "-" + path.getFileName());
				copyReadable(path, copy);
				entries.add(copy.toString());
			}
			sharedClassPath = String.join(File.pathSeparator, entries);
		}
		return sharedClassPath;
	}

	/** Copies a jar or a class directory where everyone can read it. */
	private static void copyReadable(Path source, Path target) throws IOException {
		try (java.util.stream.Stream<Path> paths = Files.walk(source)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				Path to = target.resolve(source.relativize(path).toString());
				if (Files.isDirectory(path)) {
					Files.createDirectories(to);
					Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
				}
				else {
					Files.copy(path, to, StandardCopyOption.REPLACE_EXISTING);
					Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
				}
				// Registered parents first: deleted in reverse, contents before parents.
				to.toFile().deleteOnExit();
			}
		}
	}

	/**
	 * Whether every directory above a file lets others through and the file lets them
	 * read (a directory: list and enter).
	 */
	private static boolean reachableByOthers(Path file) throws IOException {
		java.util.Set<PosixFilePermission> own = Files.getPosixFilePermissions(file);
		if (!own.contains(PosixFilePermission.OTHERS_READ)
				|| Files.isDirectory(file) && !own.contains(PosixFilePermission.OTHERS_EXECUTE)) {
			return false;
		}
		for (Path directory = file.toAbsolutePath().getParent(); directory != null; directory = directory.getParent()) {
			if (!Files.getPosixFilePermissions(directory).contains(PosixFilePermission.OTHERS_EXECUTE)) {
				return false;
			}
		}
		return true;
	}

}
