package io.varve.core.storage;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import io.varve.InvalidArgumentException;
import io.varve.StorePathException;

/**
 * The store directory on disk: checked and created before anything is opened, with
 * messages that say what is wrong with the path and how to fix it, and kept private.
 *
 * <p>
 * Events are often personal data, so a new store is readable by its owner alone, as
 * PostgreSQL keeps its data directory: the directory {@code rwx------} and every file
 * Varve creates in it {@code rw-------}, whatever the umask. With group access (for
 * operators who inspect or back up the store as another user of the owner's group) the
 * directory is {@code rwxr-x---} and the files {@code rw-r-----}, except LMDB's lock
 * file: {@code rw-rw----}, because LMDB writes its readers there even when it only reads.
 * An existing store is left as it is, with a warning when others can read its events. On
 * file systems without POSIX permissions (Windows) none of this applies and nothing is
 * changed.
 */
public final class StoreDirectory {

	private static final System.Logger LOGGER = System.getLogger(StoreDirectory.class.getName());

	private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> GROUP_DIRECTORY = PosixFilePermissions.fromString("rwxr-x---");

	private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

	private static final Set<PosixFilePermission> GROUP_FILE = PosixFilePermissions.fromString("rw-r-----");

	private static final Set<PosixFilePermission> GROUP_SHARED_FILE = PosixFilePermissions.fromString("rw-rw----");

	private StoreDirectory() {
	}

	/**
	 * Checks a store path and, for a writable store, creates the directory if needed.
	 * @param path the store directory
	 * @param readOnly whether the store is opened read-only (then nothing is created)
	 * @param groupAccess whether the owner's group may read the store
	 * @throws StorePathException if the path cannot hold a store or cannot be read
	 * @throws InvalidArgumentException if a read-only open finds no store there
	 */
	public static void prepare(Path path, boolean readOnly, boolean groupAccess) {
		Path absolute = path.toAbsolutePath().normalize();
		if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
			throw new StorePathException(path, "The store path " + absolute
					+ " is a file, not a directory. Point the store (varve.path, VarveBuilder.path) at a directory, "
					+ "which Varve creates if it is missing, or move the file away");
		}
		Path existing = nearestExisting(absolute);
		if (!existing.equals(absolute) && Files.isRegularFile(existing)) {
			throw underAFile(path, absolute, existing, null);
		}
		if (!Files.exists(absolute) && !Files.notExists(absolute)) {
			throw new StorePathException(path,
					"Cannot reach the store path " + absolute + ": this process (user " + user()
							+ ") may not look into " + existing
							+ ". Give it access to every directory on the path, or choose another path");
		}
		if (readOnly) {
			checkReadable(path, absolute);
		}
		else if (!Files.isDirectory(absolute)) {
			create(path, absolute, groupAccess);
		}
		else if (!Files.isWritable(absolute)) {
			throw new StorePathException(path,
					"The store directory " + absolute + " is not writable by this process (user " + user()
							+ ", directory owned by " + owner(absolute)
							+ "). Give that user write access to it, run as its owner, or open the store read-only "
							+ "(Varve.openReadOnly, property varve.read-only)");
		}
	}

	private static void checkReadable(Path path, Path absolute) {
		if (Files.isDirectory(absolute) && (!Files.isReadable(absolute) || !Files.isExecutable(absolute))) {
			throw new StorePathException(path,
					"Cannot read the store directory " + absolute + ": this process (user " + user()
							+ ") has no permission to (it is " + describe(absolute)
							+ "). Run as that user, or let this one read it: for a user of "
							+ "the owner's group, open the store with group access (VarveBuilder.groupAccess, property "
							+ "varve.group-access) in the owning process");
		}
		Path data = absolute.resolve("data.mdb");
		if (!Files.isDirectory(absolute) || !Files.exists(data)) {
			throw new InvalidArgumentException("There is no Varve store at " + absolute
					+ " to open read-only; check the path, or create the store with Varve.open(path) first");
		}
	}

	/** Creates a missing store directory (and its parents), private to its owner. */
	private static void create(Path path, Path absolute, boolean groupAccess) {
		try {
			createPrivate(absolute, groupAccess);
		}
		catch (FileAlreadyExistsException ex) {
			if (!Files.isDirectory(absolute)) {
				throw underAFile(path, absolute, Path.of(ex.getFile()).toAbsolutePath(), ex);
			}
		}
		catch (AccessDeniedException ex) {
			throw new StorePathException(path, "Cannot create the store directory " + absolute + ": this process (user "
					+ user() + ") may not create directories in " + nearestExisting(absolute)
					+ ". Create the directory yourself and give that user write access to it, or choose another path",
					ex);
		}
		catch (IOException ex) {
			if (DiskSpace.isFull(absolute)) {
				throw DiskSpace.full(absolute, "create the store directory " + absolute, ex);
			}
			throw new StorePathException(path, "Cannot create the store directory " + absolute + " (" + ex.getMessage()
					+ "). Check that " + nearestExisting(absolute) + " is a writable directory, or choose another path",
					ex);
		}
	}

	/**
	 * Creates a directory (and its missing parents, as the umask makes them) private to
	 * its owner, or to its owner's group with group access, whatever the umask.
	 * @param directory the directory, which must not exist
	 * @param groupAccess whether the owner's group may read it
	 * @throws IOException if it cannot be created
	 */
	public static void createPrivate(Path directory, boolean groupAccess) throws IOException {
		Path parent = directory.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		if (isPosix(parent)) {
			Set<PosixFilePermission> mode = groupAccess ? GROUP_DIRECTORY : OWNER_DIRECTORY;
			Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(mode));
			Files.setPosixFilePermissions(directory, mode);
		}
		else {
			Files.createDirectory(directory);
		}
	}

	private static StorePathException underAFile(Path path, Path absolute, Path file, Exception cause) {
		return new StorePathException(path, "Cannot create the store directory " + absolute + ": " + file
				+ " is a file, not a directory. Choose another path (varve.path, VarveBuilder.path), or move the file "
				+ "away", cause);
	}

	/**
	 * The file mode for LMDB to create its files with; see {@link #restrict} for the
	 * exact modes.
	 * @param groupAccess whether the owner's group may read the store
	 * @return the mode
	 */
	public static int lmdbFileMode(boolean groupAccess) {
		return groupAccess ? 0640 : 0600;
	}

	/**
	 * The attributes to create a store file with (the umask may take more away, see
	 * {@link #restrict}).
	 * @param directory the store directory
	 * @param groupAccess whether the owner's group may read the store
	 * @return the attributes, none on a file system without POSIX permissions
	 */
	public static FileAttribute<?>[] fileAttributes(Path directory, boolean groupAccess) {
		return isPosix(directory)
				? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(groupAccess ? GROUP_FILE : OWNER_FILE) }
				: new FileAttribute<?>[0];
	}

	/**
	 * Gives a file Varve created its exact mode, whatever the umask took away.
	 * @param file the file
	 * @param groupAccess whether the owner's group may read the store
	 * @param writtenByReaders whether readers write it too (LMDB's lock file)
	 * @throws IOException if the mode cannot be set
	 */
	public static void restrict(Path file, boolean groupAccess, boolean writtenByReaders) throws IOException {
		if (isPosix(file)) {
			Files.setPosixFilePermissions(file,
					groupAccess ? (writtenByReaders ? GROUP_SHARED_FILE : GROUP_FILE) : OWNER_FILE);
		}
	}

	/**
	 * Logs a warning when users other than the owner (and, with group access, its group)
	 * can read the store's events.
	 * @param directory the store directory
	 * @param dataFile the file holding the events
	 * @param groupAccess whether the owner's group may read the store
	 */
	public static void warnIfReadableByOthers(Path directory, Path dataFile, boolean groupAccess) {
		try {
			if (!isPosix(dataFile) || !Files.exists(dataFile)) {
				return;
			}
			Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dataFile);
			boolean others = mode.contains(PosixFilePermission.OTHERS_READ);
			boolean group = !groupAccess && mode.contains(PosixFilePermission.GROUP_READ);
			if (others || group) {
				LOGGER.log(Level.WARNING, () -> "The events of the Varve store at " + directory + " can be read by "
						+ (others ? "every local user" : "the group " + group(dataFile)) + " (" + dataFile.getFileName()
						+ " is " + PosixFilePermissions.toString(mode) + "). Restrict it: chmod "
						+ (groupAccess ? "750 " : "700 ") + directory + " && chmod " + (groupAccess ? "640 " : "600 ")
						+ directory + "/*"
						+ (groupAccess ? "" : " (or, to share it with the owner's group, chmod 750 and 640 "
								+ "and open it with group access: VarveBuilder.groupAccess, property varve.group-access)"));
			}
		}
		catch (IOException | RuntimeException ex) {
			LOGGER.log(Level.DEBUG, () -> "Could not check who can read " + dataFile + ": " + ex);
		}
	}

	private static boolean isPosix(Path path) {
		try {
			return Files.getFileStore(nearestExisting(path)).supportsFileAttributeView(PosixFileAttributeView.class);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** The path itself or its nearest ancestor that exists (as far as one can tell). */
	static Path nearestExisting(Path path) {
		Path existing = path.toAbsolutePath();
		while (existing.getParent() != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		return existing;
	}

	/** The user this process runs as, for messages. */
	public static String user() {
		return System.getProperty("user.name");
	}

	/**
	 * A file's mode and owner, for messages: {@code rw-r--r--, owned by alice}.
	 * @param path the file
	 * @return the description
	 */
	public static String describe(Path path) {
		return permissions(path) + ", owned by " + owner(path);
	}

	static String owner(Path path) {
		try {
			return Files.getOwner(path).getName();
		}
		catch (IOException | UnsupportedOperationException ex) {
			return "another user";
		}
	}

	private static String group(Path path) {
		try {
			return Files.readAttributes(path, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
		}
		catch (IOException | UnsupportedOperationException ex) {
			return "of its owner";
		}
	}

	private static String permissions(Path path) {
		try {
			return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
		}
		catch (IOException | UnsupportedOperationException ex) {
			return "not readable";
		}
	}

}
