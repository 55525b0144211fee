package io.varve.reliability;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.core.storage.StoreDirectory;
import io.varve.testing.LoggedWarnings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A store holds events, often personal data: a new one is private to its owner whatever
 * the umask (directory {@code rwx------}, files {@code rw-------}), as are its backups;
 * with group access the owner's group may read it and write LMDB's lock file, which LMDB
 * writes even to read. Opening a store others can read warns with the path and the fix.
 * The umask is set in a child process, the test's own cannot change it.
 */
class StoreFilePermissionsTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	@BeforeEach
	void posixFileSystem() {
		assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
				"file modes exist only on POSIX file systems; elsewhere Varve leaves them alone");
	}

	@Test
	void aNewStoreIsPrivateToItsOwnerWhateverTheUmask() throws Exception {
		Path store = this.dir.resolve("parent/store");
		createInChild("000", store, false);
		assertThat(modes(store)).containsExactlyInAnyOrderEntriesOf(
				Map.of(".", "rwx------", "data.mdb", "rw-------", "lock.mdb", "rw-------", "varve.lock", "rw-------",
						"checkpoint", "rw-------", "journal-0000000001", "rw-------"));
		// Only the store directory is Varve's: its parents are made as the umask says.
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.getParent())))
			.isEqualTo("rwxrwxrwx");
	}

	@Test
	void withGroupAccessTheOwnersGroupMayReadWhateverTheUmask() throws Exception {
		Path store = this.dir.resolve("store");
		createInChild("077", store, true);
		assertThat(modes(store)).containsExactlyInAnyOrderEntriesOf(
				Map.of(".", "rwxr-x---", "data.mdb", "rw-r-----", "lock.mdb", "rw-rw----", "varve.lock", "rw-r-----",
						"checkpoint", "rw-r-----", "journal-0000000001", "rw-r-----"));
	}

	@Test
	void backupsAreAsPrivateAsTheStore() throws Exception {
		for (boolean groupAccess : new boolean[] { false, true }) {
			Path backup = this.dir.resolve("backup-" + groupAccess);
			try (Varve varve = Varve.builder()
				.path(this.dir.resolve("store-" + groupAccess))
				.groupAccess(groupAccess)
				.open()) {
				varve.append("order-1", ExpectedVersion.noStream(), Filler.of(1, 10));
				varve.backup(backup);
			}
			assertThat(modes(backup)).as("group access " + groupAccess)
				.containsExactlyInAnyOrderEntriesOf(groupAccess ? Map.of(".", "rwxr-x---", "data.mdb", "rw-r-----")
						: Map.of(".", "rwx------", "data.mdb", "rw-------"));
		}
	}

	@Test
	void openingAStoreOthersCanReadWarnsWithThePathAndTheFix() throws Exception {
		Path store = this.dir.resolve("store");
		Varve.open(store).close();
		Files.setPosixFilePermissions(store.resolve("data.mdb"), PosixFilePermissions.fromString("rw-r--r--"));
		List<String> warnings = warningsWhile(() -> Varve.openReadOnly(store).close());
		assertThat(warnings).containsExactly("The events of the Varve store at " + store.toRealPath()
				+ " can be read by every local user (data.mdb is rw-r--r--). Restrict it: chmod 700 "
				+ store.toRealPath() + " && chmod 600 " + store.toRealPath()
				+ "/* (or, to share it with the owner's group, chmod 750 and "
				+ "640 and open it with group access: VarveBuilder.groupAccess, property varve.group-access)");
	}

	@Test
	void aStoreItsGroupMayReadWarnsOnlyWithoutGroupAccess() throws Exception {
		Path store = this.dir.resolve("store");
		Varve.builder().path(store).groupAccess(true).open().close();
		assertThat(warningsWhile(() -> Varve.builder().path(store).groupAccess(true).open().close())).isEmpty();
		assertThat(warningsWhile(() -> Varve.open(store).close())).singleElement()
			.asString()
			.contains("can be read by the group ")
			.contains("(data.mdb is rw-r-----). Restrict it: chmod 700");
		assertThat(warningsWhile(() -> Varve.open(this.dir.resolve("private")).close())).isEmpty();
	}

	private void createInChild(String umask, Path store, boolean groupAccess) throws Exception {
		try (ChildJvm child = Launchers.startWithUmask(umask, this.dir.resolve("logs"))) {
			child.send("open " + store + " write 126" + (groupAccess ? " group" : ""));
			child.await("OPENED", TIMEOUT);
			child.send("append order-1 3 10");
			child.await("APPENDED", TIMEOUT);
			child.send("exit");
			assertThat(child.waitFor(TIMEOUT)).isZero();
		}
	}

	/** The mode of a directory (as ".") and of each file in it. */
	private static Map<String, String> modes(Path directory) throws IOException {
		Map<String, String> modes = new TreeMap<>();
		modes.put(".", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
		try (var files = Files.list(directory)) {
			for (Path file : files.toList()) {
				modes.put(file.getFileName().toString(),
						PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
			}
		}
		return modes;
	}

	/** The warnings Varve logs about store files while something runs. */
	private static List<String> warningsWhile(LoggedWarnings.Work work) throws Exception {
		return LoggedWarnings.whileRunning(StoreDirectory.class, work);
	}

}
