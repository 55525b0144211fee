package io.varve.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each durability mode stores and reopens the same events, and makes exactly the syncs it
 * promises (what a mode changes is only what an OS crash or power loss can take, which
 * {@link CrashRecoveryTest} cannot simulate, so the syncs are counted in the system calls
 * instead); the periodic sync of the relaxed modes runs alongside appends and stops
 * cleanly when the store closes.
 */
class DurabilityTest {

	@TempDir
	Path dir;

	@ParameterizedTest
	@EnumSource(Durability.class)
	void everyModeKeepsWhatItAcknowledgedAcrossCloseAndReopen(Durability durability) {
		Path store = this.dir.resolve(durability.name());
		StoreVerifier.Contents written;
		try (Varve varve = Varve.builder()
			.path(store)
			.durability(durability)
			.syncInterval((durability != Durability.SYNC) ? Duration.ofMillis(5) : null)
			.open()) {
			for (int i = 0; i < 200; i++) {
				varve.append("mode-" + (i % 4), ExpectedVersion.any(), Filler.of(i, 100));
			}
			assertThat(varve.storeInfo().durability()).isEqualTo(durability);
			written = StoreVerifier.verify(varve);
		}
		try (Varve reopened = Varve.open(store)) {
			assertThat(StoreVerifier.verify(reopened).digest()).isEqualTo(written.digest());
		}
	}

	/**
	 * What each mode makes reach the disk, counted in the system calls of a process that
	 * appends 20 events one commit each, traced by strace. SYNC (and NO_META_SYNC, now
	 * the same) flush the journal once per commit, with fdatasync: one device flush per
	 * group; NO_SYNC never flushes it on commit. LMDB's own commits never flush (no
	 * fdatasync of data.mdb per commit, no commit record through an O_DSYNC descriptor):
	 * only checkpoints flush data.mdb, at most once a second, so at most twice here.
	 */
	@ParameterizedTest
	@EnumSource(Durability.class)
	void eachModeSyncsWhatItPromisesCountedInSystemCalls(Durability durability) throws Exception {
		assumeTrue(straceWorks(), "counting system calls needs strace, allowed to trace here");
		Path trace = this.dir.resolve("trace-" + durability);
		Path markers = Files.createDirectories(this.dir.resolve("markers"));
		List<String> command = new ArrayList<>(List.of("strace", "-f", "-qq", "-y", "-e",
				"trace=openat,fdatasync,fsync,pwrite64,pwritev,write", "-o", trace.toString()));
		command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), SyncProbeMain.class.getName(),
				this.dir.resolve("store-" + durability).toString(), durability.name(), Integer.toString(APPENDS),
				markers.toString()));
		Process probe = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("probe.log").toFile())
			.start();
		assertThat(probe.waitFor(120, TimeUnit.SECONDS)).as("traced probe finished").isTrue();
		assertThat(probe.exitValue())
			.as("probe exit status; its output: " + Files.readString(this.dir.resolve("probe.log")))
			.isZero();
		SyncCalls calls = SyncCalls.between(Files.readAllLines(trace), "begin-appends", "end-appends");
		int commits = APPENDS;
		assertThat(calls.synchronousWrites()).as("commit records of data.mdb written synchronously").isZero();
		assertThat(calls.dataSyncs()).as("fdatasync of data.mdb: checkpoints only").isLessThanOrEqualTo(2);
		switch (durability) {
			case SYNC, NO_META_SYNC ->
				assertThat(calls.journalSyncs()).as("fdatasync of the journal, one per commit").isEqualTo(commits);
			case NO_SYNC -> assertThat(calls.journalSyncs()).as("fdatasync of the journal").isZero();
		}
	}

	private static final int APPENDS = 20;

	private static boolean straceWorks() throws InterruptedException {
		try {
			Process process = new ProcessBuilder("strace", "-qq", "-o", "/dev/null", "true").redirectErrorStream(true)
				.start();
			process.getInputStream().readAllBytes();
			return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * The syncs in a trace between two marker files: fdatasync or fsync calls of data.mdb
	 * and of the journal's segments, and writes to data.mdb through a descriptor opened
	 * with O_DSYNC (or O_SYNC).
	 */
	record SyncCalls(int dataSyncs, int journalSyncs, int synchronousWrites) {

		private static final Pattern OPEN = Pattern.compile("openat\\(.*data\\.mdb\", ([A-Z_|]+)\\) = (\\d+)<");

		private static final Pattern FD_CALL = Pattern
			.compile("(fdatasync|fsync|pwrite64|pwritev|write)\\((\\d+)<[^>]*/(data\\.mdb|journal-\\d+)>");

		static SyncCalls between(List<String> trace, String begin, String end) {
			Set<String> synchronous = new HashSet<>();
			int dataSyncs = 0;
			int journalSyncs = 0;
			int writes = 0;
			boolean counting = false;
			for (String line : trace) {
				Matcher open = OPEN.matcher(line);
				if (open.find() && (open.group(1).contains("O_DSYNC") || open.group(1).contains("O_SYNC"))) {
					synchronous.add(open.group(2));
				}
				if (line.contains(begin)) {
					counting = true;
				}
				else if (line.contains(end)) {
					counting = false;
				}
				Matcher call = FD_CALL.matcher(line);
				if (counting && call.find()) {
					boolean data = call.group(3).equals("data.mdb");
					if (call.group(1).endsWith("sync")) {
						if (data) {
							dataSyncs++;
						}
						else {
							journalSyncs++;
						}
					}
					else if (data && synchronous.contains(call.group(2))) {
						writes++;
					}
				}
			}
			return new SyncCalls(dataSyncs, journalSyncs, writes);
		}

	}

}
