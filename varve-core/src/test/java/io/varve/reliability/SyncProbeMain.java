package io.varve.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;

/**
 * The child of {@link DurabilityTest}'s system-call count: opens a store with a
 * durability, appends a number of events one commit each between two marker files it
 * tries to open (so that the trace shows where the appends begin and end), and closes.
 *
 * <p>
 * Arguments: store directory, durability, number of appends, marker directory.
 */
public final class SyncProbeMain {

	private SyncProbeMain() {
	}

	public static void main(String[] args) throws IOException {
		Path store = Path.of(args[0]);
		int appends = Integer.parseInt(args[2]);
		Path markers = Path.of(args[3]);
		// No zeroed space ahead: its thread flushes the file on its own schedule.
		try (Varve varve = Varve.builder()
			.path(store)
			.durability(Durability.valueOf(args[1]))
			.preallocate(false)
			.open()) {
			varve.append("probe", ExpectedVersion.noStream(), Filler.of(0, 100));
			touch(markers.resolve("begin-appends"));
			for (int i = 1; i <= appends; i++) {
				varve.append("probe", ExpectedVersion.exact(i), Filler.of(i, 100));
			}
			touch(markers.resolve("end-appends"));
		}
	}

	/** Tries to open a file that does not exist: one open call the trace can find. */
	private static void touch(Path marker) {
		try {
			Files.newInputStream(marker).close();
		}
		catch (IOException expected) {
			// It is not there; the attempt is the mark.
		}
	}

}
