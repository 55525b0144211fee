package io.varve.core.processor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.varve.StreamInfo;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.ReadTxn;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.RebuildStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rebuilds killed with SIGKILL on a random processor commit (a batch of the rebuild, the
 * live processor's, the switch, or a chunk of the old generation's drop) go on when the
 * processor starts again, and end with exactly the new code's projection and nothing of
 * any other generation left.
 */
class RebuildCrashTest {

	private static final int ROUNDS = 6;

	@TempDir
	Path dir;

	@Test
	@Timeout(value = 4, unit = TimeUnit.MINUTES)
	void aRebuildKilledAtAnyCommitEndsExactlyOnceWithNothingLeftOfTheOldTables() throws Exception {
		Path store = this.dir.resolve("store");
		long seed = Long.getLong("varve.rebuild.crash.seed", System.nanoTime());
		Random random = new Random(seed);
		String context = "[seed " + seed + "] child output, see " + this.dir.resolve("child.err");
		run(store, "FILLED", null, 0, context);
		List<String> left = new java.util.ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			// In turn: a random commit while it fills, the switch's (the first with the
			// old
			// tables to drop), a random one of the drop's.
			String phase = switch (round % 3) {
				case 0 -> "COMMIT FILLING";
				case 1 -> "COMMIT DROPPING";
				default -> "COMMIT DROPPING";
			};
			int commit = switch (round % 3) {
				case 0 -> 1 + random.nextInt(60);
				case 1 -> 1;
				default -> 2 + random.nextInt(6);
			};
			run(store, "REBUILDING", phase, commit, context);
			try (Varve inspect = Varve.builder().path(store).readOnly().open();
					ReadTxn txn = ((DefaultVarve) inspect).storage().beginRead()) {
				RebuildRecord stored = RebuildRecord.read(txn, "accounts");
				left.add("killed on " + phase + " #" + commit + ": " + ((stored == null) ? "no rebuild stored"
						: (stored.dropping() ? "dropping " + stored.tables() : "filling at " + stored.checkpoint())));
			}
		}
		System.out.println("Rebuild kills " + context + ": " + left);
		try (Varve varve = Varve.builder().path(store).eventTypes(Deposited.class).open()) {
			ProcessorRegistry processors = varve.processors();
			processors.register(RebuildCrashChild.processor(RebuildCrashChild.newCode()));
			processors.start("accounts");
			if (processors.rebuildStatus("accounts").isPresent()) {
				assertThat(processors.awaitRebuild("accounts", Duration.ofMinutes(2)).state()).as(context)
					.isEqualTo(RebuildStatus.State.COMPLETED);
			}
			long head = varve.headPosition();
			processors.awaitProcessed("accounts", head, Duration.ofMinutes(2));
			var projections = processors.projections();
			assertThat(projections.get("summary", "events", Long.class)).as(context).contains(head);
			List<StreamInfo> streams = varve.listStreams("account-", null, 100);
			assertThat(streams).hasSize(RebuildCrashChild.STREAMS);
			for (StreamInfo stream : streams) {
				assertThat(projections.get("counts", stream.stream(), Long.class)).as(context + " " + stream.stream())
					.contains(stream.version());
				assertThat(projections.get("sums", stream.stream(), Long.class)).as(context + " " + stream.stream())
					.contains(stream.version());
			}
			assertThat(projections.list("seen", null, 10, String.class)).as(context).isEmpty();
			try (ReadTxn txn = ((DefaultVarve) varve).storage().beginRead()) {
				assertThat(txn.tableSize(AuxTable.PROJECTIONS)[0]).as(context + ": entries of every generation")
					.isEqualTo(1 + 2L * RebuildCrashChild.STREAMS);
				assertThat(RebuildRecord.read(txn, "accounts")).as(context).isNull();
			}
		}
	}

	/**
	 * Runs the child until it prints a line; then, given a phase, kills it on the n-th
	 * processor commit it reports in that phase (or once it says DONE), else waits for it
	 * to end.
	 */
	private void run(Path store, String first, String phase, int killOnCommit, String context) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				RebuildCrashChild.class.getName(), store.toString());
		builder.redirectError(ProcessBuilder.Redirect.appendTo(this.dir.resolve("child.err").toFile()));
		Process child = builder.start();
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
			String line = out.readLine();
			while (line != null && line.startsWith("COMMIT")) {
				line = out.readLine();
			}
			assertThat(line).as(context).isEqualTo(first);
			if (phase == null) {
				assertThat(child.waitFor(2, TimeUnit.MINUTES)).as(context).isTrue();
				assertThat(child.exitValue()).as(context).isZero();
				return;
			}
			int commits = 0;
			while (commits < killOnCommit && (line = out.readLine()) != null && !line.equals("DONE")) {
				if (line.equals(phase)) {
					commits++;
				}
			}
			assertThat(line).as(context + ": the child ended before its kill").isNotNull();
			child.destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			child.destroyForcibly();
		}
	}

}
