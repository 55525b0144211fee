package io.varve.reliability;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.varve.RecordedEvent;
import io.varve.StreamInfo;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.verify.StoreCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads a whole store and checks the invariants every store must keep, whatever happened
 * to it: positions gapless from 1 to the head, each stream's versions contiguous from 1
 * in position order and matching its head record, the stream index and the event-id index
 * agreeing with the log, every envelope decodable; the same walk as the
 * {@code varve verify} command ({@link StoreCheck}) must find nothing either. Returns
 * what it read, for comparisons.
 */
final class StoreVerifier {

	private StoreVerifier() {
	}

	/** One stored event as the verifier saw it. */
	record Stored(long position, UUID id, String stream, long version, byte[] envelope) {

	}

	/** Everything read from a store. */
	record Contents(List<Stored> events, Map<String, Long> streamVersions, byte[] digest) {

		long head() {
			return this.events.size();
		}

		Map<UUID, Stored> byId() {
			Map<UUID, Stored> byId = new HashMap<>();
			for (Stored stored : this.events) {
				byId.put(stored.id(), stored);
			}
			return byId;
		}

	}

	/**
	 * Reads the store and asserts its invariants.
	 * @param varve an open store
	 * @return what it holds
	 */
	static Contents verify(Varve varve) {
		// The check the varve verify command runs, on one snapshot.
		StoreCheck.Report report = StoreCheck.run(varve);
		assertThat(report.breaches()).as("breaches found by StoreCheck (the varve verify command)").isEmpty();
		long head = varve.headPosition();
		assertThat(report.headPosition()).isEqualTo(head);
		List<Stored> events = new ArrayList<>((int) Math.min(head, 1 << 20));
		Map<String, List<Stored>> streams = new LinkedHashMap<>();
		Set<UUID> ids = new HashSet<>();
		MessageDigest digest = sha256();
		long expected = 1;
		long from = 1;
		while (true) {
			List<RecordedEvent> chunk = varve.readAll(from, 4096);
			if (chunk.isEmpty()) {
				break;
			}
			for (RecordedEvent event : chunk) {
				assertThat(event.position()).as("position after %s", expected - 1).isEqualTo(expected);
				expected++;
				Stored stored = new Stored(event.position(), event.id(), event.stream(), event.version(),
						event.envelope());
				assertThat(ids.add(stored.id())).as("event id %s stored once", stored.id()).isTrue();
				List<Stored> stream = streams.computeIfAbsent(stored.stream(), (name) -> new ArrayList<>());
				assertThat(stored.version()).as("version of %s at position %s", stored.stream(), stored.position())
					.isEqualTo(stream.size() + 1);
				stream.add(stored);
				events.add(stored);
				digest.update(stored.envelope());
			}
			from = chunk.get(chunk.size() - 1).position() + 1;
		}
		assertThat(events).as("events up to the head position").hasSize((int) head);
		assertThat(varve.headPosition()).as("head while verifying").isEqualTo(head);
		assertThat(varve.streamCount()).as("stream count").isEqualTo(streams.size());
		Map<String, Long> versions = new LinkedHashMap<>();
		for (Map.Entry<String, List<Stored>> entry : streams.entrySet()) {
			List<Stored> stream = entry.getValue();
			Optional<StreamInfo> info = varve.streamInfo(entry.getKey());
			assertThat(info).as("head record of %s", entry.getKey()).isPresent();
			assertThat(info.get().version()).as("version of %s", entry.getKey()).isEqualTo(stream.size());
			assertThat(info.get().firstPosition()).isEqualTo(stream.get(0).position());
			assertThat(info.get().lastPosition()).isEqualTo(stream.get(stream.size() - 1).position());
			checkStreamIndex(varve, entry.getKey(), stream);
			versions.put(entry.getKey(), (long) stream.size());
		}
		checkListedStreams(varve, versions.keySet());
		checkEventIdIndex(varve, events);
		return new Contents(events, versions, digest.digest());
	}

	private static void checkStreamIndex(Varve varve, String stream, List<Stored> expected) {
		List<RecordedEvent> read = new ArrayList<>();
		long from = 1;
		while (true) {
			List<RecordedEvent> chunk = varve.readStream(stream, from, 1000);
			if (chunk.isEmpty()) {
				break;
			}
			read.addAll(chunk);
			from = chunk.get(chunk.size() - 1).version() + 1;
		}
		assertThat(read).as("events of %s through the stream index", stream).hasSize(expected.size());
		for (int i = 0; i < read.size(); i++) {
			assertThat(read.get(i).position()).isEqualTo(expected.get(i).position());
			assertThat(read.get(i).id()).isEqualTo(expected.get(i).id());
		}
	}

	private static void checkListedStreams(Varve varve, Set<String> expected) {
		Set<String> listed = new HashSet<>();
		String after = null;
		while (true) {
			List<StreamInfo> page = varve.listStreams("", after, 10_000);
			if (page.isEmpty()) {
				break;
			}
			page.forEach((info) -> listed.add(info.stream()));
			after = page.get(page.size() - 1).stream();
		}
		assertThat(listed).as("listed streams").isEqualTo(expected);
	}

	private static void checkEventIdIndex(Varve varve, List<Stored> events) {
		DefaultVarve store = (DefaultVarve) varve;
		int checked = 0;
		while (checked < events.size()) {
			int from = checked;
			int to = Math.min(events.size(), from + 10_000);
			store.read((txn) -> {
				for (int i = from; i < to; i++) {
					Stored event = events.get(i);
					assertThat(txn.positionOf(event.id())).as("event-id index entry of %s", event.id())
						.isEqualTo(event.position());
				}
				return null;
			});
			checked = to;
		}
	}

	static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
