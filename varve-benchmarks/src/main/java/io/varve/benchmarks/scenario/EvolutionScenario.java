package io.varve.benchmarks.scenario;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.varve.AggregateRepository;
import io.varve.Durability;
import io.varve.EventFilter;
import io.varve.EventType;
import io.varve.ExpectedVersion;
import io.varve.SnapshotPolicy;
import io.varve.Upcaster;
import io.varve.Varve;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.ItemAdded;
import io.varve.benchmarks.support.Latencies;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * Scenario 10: evolving events and loading aggregates. Reading events through an upcaster
 * that renames one field against reading the same events stored at the current version;
 * loading an aggregate of 10,000 events with a snapshot every 100 events against loading
 * it from its events alone.
 */
public final class EvolutionScenario implements Scenario {

	/** Events of the aggregate that is loaded. */
	static final int AGGREGATE_EVENTS = 10_000;

	/** Its snapshot policy: every 100 events. */
	static final int SNAPSHOT_EVERY = 100;

	/** Events after the newest snapshot: half a snapshot interval, the average case. */
	static final int AFTER_SNAPSHOT = SNAPSHOT_EVERY / 2;

	/**
	 * The benchmark event as a first release stored it: the price field had another name.
	 */
	@EventType("item-added")
	public record ItemAddedV1(String cartId, String sku, String productName, int quantity, long price, String currency,
			String addedBy, long addedAtEpochMillis, List<String> tags) {

		static ItemAddedV1 of(ItemAdded event) {
			return new ItemAddedV1(event.cartId(), event.sku(), event.productName(), event.quantity(),
					event.unitPriceCents(), event.currency(), event.addedBy(), event.addedAtEpochMillis(),
					event.tags());
		}

	}

	/** The same event at version 2. */
	@EventType(value = "item-added", version = 2)
	public record ItemAddedV2(String cartId, String sku, String productName, int quantity, long unitPriceCents,
			String currency, String addedBy, long addedAtEpochMillis, List<String> tags) {

		static ItemAddedV2 of(ItemAdded event) {
			return new ItemAddedV2(event.cartId(), event.sku(), event.productName(), event.quantity(),
					event.unitPriceCents(), event.currency(), event.addedBy(), event.addedAtEpochMillis(),
					event.tags());
		}

	}

	/** A cart's state: items and their total. */
	public record Cart(long items, long totalCents) {

		static Cart apply(Cart cart, Object event) {
			if (event instanceof ItemAddedV2 added) {
				return new Cart(cart.items() + added.quantity(),
						cart.totalCents() + added.quantity() * added.unitPriceCents());
			}
			return cart;
		}

	}

	static final Upcaster RENAME_PRICE = Upcaster.of("item-added", 1, (data) -> {
		data.set("unitPriceCents", data.remove("price"));
		return data;
	});

	@Override
	public int number() {
		return 10;
	}

	@Override
	public String title() {
		return "Evolving events and loading aggregates";
	}

	@Override
	public List<Row> run(Settings settings) {
		List<Row> rows = new ArrayList<>();
		rows.add(upcastReads(settings));
		rows.add(aggregateLoads(settings));
		return rows;
	}

	private Row upcastReads(Settings settings) {
		long events = settings.peerReadEvents();
		Path oldDir = Stores.freshDirectory(settings.workDir(), "evolution-v1");
		Path newDir = Stores.freshDirectory(settings.workDir(), "evolution-v2");
		try (Varve old = open(oldDir); Varve current = open(newDir)) {
			for (long i = 0; i < events; i += 1000) {
				List<Object> v1 = new ArrayList<>();
				List<Object> v2 = new ArrayList<>();
				for (long j = i; j < Math.min(events, i + 1000); j++) {
					ItemAdded event = Events.event(j % 1000, j);
					v1.add(ItemAddedV1.of(event));
					v2.add(ItemAddedV2.of(event));
				}
				old.append("cart-" + (i / 1000 % 100), ExpectedVersion.any(), v1.toArray());
				current.append("cart-" + (i / 1000 % 100), ExpectedVersion.any(), v2.toArray());
			}
		}
		Measurement upcast = null;
		Measurement plain = null;
		try (Varve old = Varve.builder()
			.path(oldDir)
			.eventTypes(ItemAddedV2.class)
			.upcasters(RENAME_PRICE)
			.durability(Durability.NO_SYNC)
			.open(); Varve current = Varve.builder().path(newDir).eventTypes(ItemAddedV2.class).open()) {
			readAll(old);
			readAll(current);
			for (int round = 0; round < settings.shortRounds(); round++) {
				long[] sums = new long[2];
				if (round % 2 == 0) {
					upcast = timed(() -> sums[0] = readAll(old), events).plus(upcast);
					plain = timed(() -> sums[1] = readAll(current), events).plus(plain);
				}
				else {
					plain = timed(() -> sums[1] = readAll(current), events).plus(plain);
					upcast = timed(() -> sums[0] = readAll(old), events).plus(upcast);
				}
				if (sums[0] != sums[1]) {
					throw new IllegalStateException("The upcast events differ from the current ones");
				}
				Scenario
					.progress(String.format(Locale.ROOT, "round %d: upcast reads %,.0f ev/s, plain reads %,.0f ev/s",
							round + 1, upcast.rate(), plain.rate()));
			}
		}
		Stores.delete(oldDir);
		Stores.delete(newDir);
		return new Row("10. Reads through an upcaster (one field renamed)",
				"scanAll + data(): version 1 events, one Upcaster to version 2", upcast,
				"the same events stored at version 2, no upcaster", plain, 0.7,
				String.format(Locale.ROOT, "%,d events of the benchmark shape in 100 streams; the version 1 store "
						+ "names the price field 'price', and Upcaster.of renames it in the tree on every read; the "
						+ "other store holds them as version 2. Both decode every event into the version 2 record; "
						+ "a digest of the decoded events is compared. %d alternating rounds.", events,
						settings.shortRounds()));
	}

	/** Reads every event into the version 2 record; a digest of them, in order. */
	private static long readAll(Varve varve) {
		long sum = 0;
		try (var events = varve.scanAll(0, EventFilter.all())) {
			var iterator = events.iterator();
			while (iterator.hasNext()) {
				ItemAddedV2 item = (ItemAddedV2) iterator.next().data();
				sum = sum * 31 + item.unitPriceCents() + item.quantity() + item.sku().length();
			}
		}
		return sum;
	}

	private Row aggregateLoads(Settings settings) {
		Path dir = Stores.freshDirectory(settings.workDir(), "aggregates");
		Measurement snapshotted = null;
		Measurement replayed = null;
		try (Varve varve = Varve.builder()
			.path(dir)
			.eventTypes(ItemAddedV2.class)
			.durability(Durability.NO_SYNC)
			.open()) {
			fill(varve, "cart-with-snapshots", 0, AGGREGATE_EVENTS - AFTER_SNAPSHOT);
			fill(varve, "cart-without", 0, AGGREGATE_EVENTS);
			AggregateRepository<Cart> withSnapshots = AggregateRepository.builder(varve, new Cart(0, 0), Cart::apply)
				.snapshots(Cart.class, SnapshotPolicy.every(SNAPSHOT_EVERY))
				.build();
			AggregateRepository<Cart> without = AggregateRepository.of(varve, new Cart(0, 0), Cart::apply);
			// The first load writes the snapshot; the events after it are what later
			// loads
			// replay.
			withSnapshots.load("cart-with-snapshots");
			varve.snapshots().delete("barrier");
			fill(varve, "cart-with-snapshots", AGGREGATE_EVENTS - AFTER_SNAPSHOT, AGGREGATE_EVENTS);
			Cart expected = without.load("cart-without").state();
			for (int round = 0; round < settings.shortRounds() + 1; round++) {
				Measurement a = loads(withSnapshots, "cart-with-snapshots", expected, settings);
				Measurement b = loads(without, "cart-without", expected, settings);
				if (round > 0) {
					snapshotted = a.plus(snapshotted);
					replayed = b.plus(replayed);
					Scenario
						.progress(String.format(Locale.ROOT, "round %d: loads with snapshots %,.0f/s, without %,.0f/s",
								round, snapshotted.rate(), replayed.rate()));
				}
			}
		}
		Stores.delete(dir);
		return new Row("10. Load an aggregate of 10,000 events, snapshot every 100",
				"AggregateRepository.load: newest snapshot + " + AFTER_SNAPSHOT + " events", snapshotted,
				"the same load from its 10,000 events, no snapshots", replayed, 20,
				"Rates are loads per second. The aggregate folds ItemAdded events into a cart (item count and "
						+ "total); both loads must give the same state. With SnapshotPolicy.every(100) the newest "
						+ "snapshot is at most 99 events behind the stream's head; this run holds it " + AFTER_SNAPSHOT
						+ " behind (the average). One uncounted warm-up round, then " + settings.shortRounds()
						+ " rounds.");
	}

	private static void fill(Varve varve, String stream, int from, int to) {
		for (int i = from; i < to; i += 500) {
			List<Object> batch = new ArrayList<>();
			for (int j = i; j < Math.min(to, i + 500); j++) {
				batch.add(ItemAddedV2.of(Events.event(1, j)));
			}
			varve.append(stream, ExpectedVersion.any(), batch.toArray());
		}
	}

	private static Measurement loads(AggregateRepository<Cart> repository, String stream, Cart expected,
			Settings settings) {
		long deadline = System.nanoTime() + settings.measureMillis() * 1_000_000L / 4;
		long start = System.nanoTime();
		long count = 0;
		do {
			Cart cart = repository.load(stream).state();
			if (!cart.equals(expected)) {
				throw new IllegalStateException("Loaded " + cart + ", expected " + expected);
			}
			count++;
		}
		while (System.nanoTime() < deadline);
		return new Measurement(count, System.nanoTime() - start, Latencies.none());
	}

	private static Varve open(Path dir) {
		return Varve.builder().path(dir).durability(Durability.NO_SYNC).open();
	}

	private static Measurement timed(Runnable run, long events) {
		long start = System.nanoTime();
		run.run();
		return new Measurement(events, System.nanoTime() - start, Latencies.none());
	}

}
