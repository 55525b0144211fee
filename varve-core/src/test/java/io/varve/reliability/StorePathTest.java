package io.varve.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ExpectedVersion;
import io.varve.StorePathException;
import io.varve.Varve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A store path that cannot hold a store, or a store this user may not use, is refused
 * with {@link StorePathException} saying what is wrong with the path and how to fix it,
 * and nothing is created. Permission errors are met by a process running as
 * {@code nobody}: root passes every permission check, so only another user sees them.
 */
class StorePathTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	@BeforeEach
	void letOtherUsersIn() throws Exception {
		Launchers.openToOthers(this.dir);
	}

	@Test
	void aStorePathThatIsAFileIsRefusedAsAFile() throws Exception {
		Path file = Files.writeString(this.dir.resolve("events"), "my notes");
		for (boolean readOnly : new boolean[] { false, true }) {
			assertThatThrownBy(() -> (readOnly ? Varve.openReadOnly(file) : Varve.open(file)).close())
				.as(readOnly ? "read-only open" : "open")
				.isInstanceOf(StorePathException.class)
				.hasMessageContaining("The store path " + file + " is a file, not a directory")
				.hasMessageContaining("Point the store (varve.path, VarveBuilder.path) at a directory");
		}
		assertThat(Files.readString(file)).isEqualTo("my notes");
	}

	@Test
	void aStorePathBelowAFileIsRefusedNamingTheFile() throws Exception {
		Path file = Files.writeString(this.dir.resolve("notes.txt"), "my notes");
		assertThatThrownBy(() -> Varve.open(file.resolve("events/store"))).isInstanceOf(StorePathException.class)
			.hasMessageContaining(file + " is a file, not a directory")
			.hasMessageContaining("Choose another path");
		assertThat(Files.readString(file)).isEqualTo("my notes");
	}

	@Test
	void aStoreWhereThisUserMayNotCreateDirectoriesIsRefusedWithTheFix() throws Exception {
		Path parent = Files.createDirectories(this.dir.resolve("root-only"));
		Launchers.openToOthers(parent);
		for (Path store : List.of(parent.resolve("store"), parent.resolve("a/b/store"))) {
			assertThat(openAsNobody(store, "write")).startsWith("FAILED StorePathException")
				.contains("Cannot create the store directory " + store + ": this process (user nobody) may not create "
						+ "directories in " + parent)
				.contains("Create the directory yourself and give that user write access to it");
			assertThat(parent.resolve("a")).doesNotExist();
		}
	}

	@Test
	void aStoreDirectoryThisUserMayNotWriteIsRefusedWithTheFix() throws Exception {
		Path store = storeWithEvents();
		Launchers.openToOthers(store);
		assertThat(openAsNobody(store, "write")).startsWith("FAILED StorePathException")
			.contains("The store directory " + store + " is not writable by this process (user nobody, directory "
					+ "owned by root)")
			.contains("or open the store read-only (Varve.openReadOnly, property varve.read-only)");
	}

	@Test
	void aReadOnlyOpenOfAStoreThisUserCannotReadSaysSoNotThatThereIsNoStore() throws Exception {
		Path store = storeWithEvents();
		assertThat(openAsNobody(store, "read")).startsWith("FAILED StorePathException")
			.contains("Cannot read the store directory " + store
					+ ": this process (user nobody) has no permission to (it is rwx------, owned by root)")
			.contains("open the store with group access (VarveBuilder.groupAccess, property varve.group-access)");
	}

	@Test
	void aReadOnlyOpenWithoutWriteAccessToLockMdbSaysThatLmdbNeedsIt() throws Exception {
		Path store = storeWithEvents();
		Launchers.openToOthers(store);
		for (String file : List.of("data.mdb", "lock.mdb")) {
			Files.setPosixFilePermissions(store.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
		}
		assertThat(openAsNobody(store, "read")).startsWith("FAILED StorePathException")
			.contains("Cannot open the store at " + store + " read-only: LMDB needs write access to "
					+ store.resolve("lock.mdb") + " even to read, because it records every reader there, and this "
					+ "process (user nobody) has none (the file is rw-r--r--, owned by root)")
			.contains("which makes lock.mdb group-writable");
	}

	@Test
	void aReadOnlyOpenThatWouldHaveToCreateLockMdbSaysSo() throws Exception {
		Path store = storeWithEvents();
		Launchers.openToOthers(store);
		Files.setPosixFilePermissions(store.resolve("data.mdb"), PosixFilePermissions.fromString("rw-r--r--"));
		Files.delete(store.resolve("lock.mdb"));
		assertThat(openAsNobody(store, "read")).startsWith("FAILED StorePathException")
			.contains("LMDB must create " + store.resolve("lock.mdb") + " to record its readers, even to read, and "
					+ "this process (user nobody) may not create files in " + store)
			.contains("Open the store once as its owner, which creates lock.mdb");
	}

	@Test
	void aStoreWithGroupAccessCanBeReadByAUserOfItsGroup() throws Exception {
		Path store = this.dir.resolve("shared");
		try (Varve varve = Varve.builder().path(store).groupAccess(true).open()) {
			varve.append("order-1", ExpectedVersion.noStream(), Filler.of(1, 10), Filler.of(2, 10));
		}
		// The operator's group: nobody's own.
		try (var files = Files.list(store)) {
			for (Path file : files.toList()) {
				Files.setAttribute(file, "unix:gid", Launchers.NOBODY);
			}
		}
		Files.setAttribute(store, "unix:gid", Launchers.NOBODY);
		try (ChildJvm nobody = Launchers.startAsNobody(this.dir.resolve("logs"))) {
			nobody.send("open " + store + " read");
			nobody.await("OPENED", TIMEOUT);
			nobody.send("verify");
			assertThat(nobody.await("VERIFIED", TIMEOUT)).isEqualTo("VERIFIED 2");
			nobody.send("exit");
			assertThat(nobody.waitFor(TIMEOUT)).isZero();
		}
	}

	private Path storeWithEvents() {
		Path store = this.dir.resolve("store");
		try (Varve varve = Varve.open(store)) {
			varve.append("order-1", ExpectedVersion.noStream(), Filler.of(1, 10));
		}
		return store;
	}

	/** What a process running as nobody answers when it opens the store. */
	private String openAsNobody(Path store, String mode) throws Exception {
		try (ChildJvm nobody = Launchers.startAsNobody(this.dir.resolve("logs"))) {
			nobody.send("open " + store + " " + mode);
			String answer = nobody.await((line) -> line.startsWith("OPENED") || line.startsWith("FAILED"), TIMEOUT);
			nobody.send("exit");
			nobody.waitFor(TIMEOUT);
			return answer;
		}
	}

}
