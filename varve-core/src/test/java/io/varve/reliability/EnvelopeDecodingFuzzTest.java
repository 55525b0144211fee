package io.varve.reliability;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.varve.RecordedEvent;
import io.varve.VarveException;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.PayloadCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * Whatever bytes come out of a damaged file, decoding them raises a
 * {@link VarveException} (or succeeds): never an {@code IndexOutOfBoundsException}, a
 * Jackson exception, an {@code OutOfMemoryError} or a crash. Seeded and reproducible:
 * {@code -Dvarve.fuzz.seed=N} repeats a run, {@code -Dvarve.fuzz.cases=N} makes it
 * longer.
 */
class EnvelopeDecodingFuzzTest {

	private static final int CASES = Integer.getInteger("varve.fuzz.cases", 10_000);

	private final PayloadCodec codec = new PayloadCodec(PayloadCodec.defaultMapper());

	private final EventTypeRegistry registry = new EventTypeRegistry();

	private final List<Function<RecordedEvent, Object>> accessors = List.of(RecordedEvent::position,
			RecordedEvent::version, RecordedEvent::id, RecordedEvent::timestamp, RecordedEvent::timestampMicros,
			RecordedEvent::correlationId, RecordedEvent::causationId, RecordedEvent::type, RecordedEvent::stream,
			RecordedEvent::category, RecordedEvent::data, (event) -> event.dataAs(Filler.class),
			(event) -> event.dataAs(Map.class), (event) -> event.dataAs(String.class), RecordedEvent::rawData,
			RecordedEvent::dataSize, RecordedEvent::hasMetadata, RecordedEvent::metadata,
			(event) -> event.metadataAs(Map.class), (event) -> event.metadataAs(Filler.class), RecordedEvent::envelope,
			RecordedEvent::toString);

	@Test
	void randomAndMutatedEnvelopesRaiseOnlyVarveExceptions() {
		this.registry.register(Filler.class);
		long seed = Long.getLong("varve.fuzz.seed", 20261126L);
		SplittableRandom random = new SplittableRandom(seed);
		int decoded = 0;
		int refused = 0;
		for (int i = 0; i < CASES; i++) {
			// Stored envelopes end with a checksum; damage under a checksum that still
			// holds
			// (written that way) must also fail cleanly, so most samples get a valid one.
			byte[] bytes = (random.nextInt(10) == 0) ? unsealed(sample(random), random) : sealed(sample(random));
			byte[] copy = bytes.clone();
			RecordedEvent event;
			try {
				event = new io.varve.core.read.StoredEvent(bytes, this.codec, this.registry);
			}
			catch (VarveException ex) {
				refused++;
				continue;
			}
			catch (Throwable ex) {
				throw failure("constructing", ex, copy, seed, i);
			}
			decoded++;
			for (Function<RecordedEvent, Object> accessor : this.accessors) {
				try {
					accessor.apply(event);
				}
				catch (VarveException ex) {
					assertThat(ex.getMessage()).isNotBlank();
				}
				catch (Throwable ex) {
					throw failure("reading", ex, copy, seed, i);
				}
			}
		}
		// The samples reach both the structural checks and the payload decoding.
		assertThat(refused).as("envelopes refused as damaged").isGreaterThan(CASES / 10);
		assertThat(decoded).as("envelopes that passed the structural checks").isGreaterThan(CASES / 10);
	}

	@Test
	void aSingleChangedBitAnywhereInAStoredEnvelopeFailsItsChecksum() {
		this.registry.register(Filler.class);
		byte[] envelope = sealed(validEnvelope(new SplittableRandom(7)));
		new io.varve.core.read.StoredEvent(envelope.clone(), this.codec, this.registry);
		for (int bit = 0; bit < envelope.length * 8; bit += 7) {
			byte[] damaged = envelope.clone();
			damaged[bit / 8] ^= (byte) (1 << (bit % 8));
			assertThatExceptionOfType(io.varve.CorruptDataException.class)
				.isThrownBy(() -> new io.varve.core.read.StoredEvent(damaged, this.codec, this.registry));
		}
	}

	private static byte[] sealed(byte[] envelope) {
		byte[] stored = java.util.Arrays.copyOf(envelope, envelope.length + io.varve.core.codec.Envelope.CHECKSUM);
		java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
		crc.update(envelope);
		int value = (int) crc.getValue();
		for (int i = 0; i < 4; i++) {
			stored[envelope.length + i] = (byte) (value >>> (8 * i));
		}
		return stored;
	}

	private static byte[] unsealed(byte[] envelope, SplittableRandom random) {
		byte[] stored = java.util.Arrays.copyOf(envelope, envelope.length + io.varve.core.codec.Envelope.CHECKSUM);
		for (int i = 0; i < 4; i++) {
			stored[envelope.length + i] = (byte) random.nextInt(256);
		}
		return stored;
	}

	private byte[] sample(SplittableRandom random) {
		int kind = random.nextInt(10);
		if (kind == 0) {
			byte[] bytes = new byte[random.nextInt(200)];
			random.nextBytes(bytes);
			return bytes;
		}
		byte[] valid = validEnvelope(random);
		return switch (kind) {
			case 1, 2, 3 -> mutateRange(random, valid, payloadStart(valid), valid.length);
			case 4, 5 -> mutateRange(random, valid, 0, Envelope.HEADER);
			case 6 -> mutateRange(random, valid, 0, valid.length);
			case 7 -> Arrays.copyOf(valid, random.nextInt(valid.length + 1));
			case 8 -> {
				byte[] longer = Arrays.copyOf(valid, valid.length + 1 + random.nextInt(16));
				yield mutateRange(random, longer, valid.length, longer.length);
			}
			default -> lengthFields(random, valid);
		};
	}

	private byte[] validEnvelope(SplittableRandom random) {
		Object payload = switch (random.nextInt(4)) {
			case 0 -> Filler.of(random.nextLong(), random.nextInt(40));
			case 1 -> Map.of("index", random.nextInt(), "nested", Map.of("list", List.of(1, "two", 3.0)));
			case 2 -> List.of("a", random.nextInt());
			default -> "text-" + random.nextInt();
		};
		byte[] metadata = random.nextBoolean()
				? this.codec.encode(Map.of("user", "u" + random.nextInt(9)), () -> "meta") : null;
		String type = random.nextBoolean() ? "Filler" : "type-" + random.nextInt(3);
		byte[] envelope = Envelope.encode(new UUID(random.nextLong(), random.nextLong()),
				random.nextBoolean() ? new UUID(random.nextLong(), random.nextLong()) : null,
				random.nextBoolean() ? new UUID(random.nextLong(), random.nextLong()) : null,
				type.getBytes(StandardCharsets.UTF_8), random.nextBoolean() ? 1 : 2 + random.nextInt(5),
				("stream-" + random.nextInt(5)).getBytes(StandardCharsets.UTF_8), metadata,
				this.codec.encode(payload, () -> "payload"));
		long position = 2 + random.nextInt(1000);
		long version = 1 + random.nextInt(100);
		long previous = (version == 1) ? 0 : 1 + random.nextInt((int) position - 1);
		Envelope.stamp(new UnsafeBuffer(envelope), position, version, random.nextLong(), previous);
		return envelope;
	}

	private static int payloadStart(byte[] envelope) {
		return Envelope.payloadOffset(new UnsafeBuffer(envelope));
	}

	private static byte[] mutateRange(SplittableRandom random, byte[] bytes, int from, int to) {
		if (to <= from) {
			return bytes;
		}
		int changes = 1 + random.nextInt(4);
		for (int c = 0; c < changes; c++) {
			int at = from + random.nextInt(to - from);
			switch (random.nextInt(3)) {
				case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
				case 1 -> bytes[at] = (byte) random.nextInt(256);
				default -> bytes[at] = (byte) (random.nextBoolean() ? 0xff : 0x00);
			}
		}
		return bytes;
	}

	/** Rewrites the length fields and flags: the parts that point into the rest. */
	private static byte[] lengthFields(SplittableRandom random, byte[] bytes) {
		int[] fields = { 1, 2, 3, 4, 5, 6, 7 };
		int field = fields[random.nextInt(fields.length)];
		bytes[field] = (byte) random.nextInt(256);
		return bytes;
	}

	private static AssertionError failure(String what, Throwable ex, byte[] bytes, long seed, int index) {
		try {
			fail("Case " + index + " (-Dvarve.fuzz.seed=" + seed + ") threw " + ex + " while " + what
					+ " envelope bytes " + Arrays.toString(bytes), ex);
		}
		catch (AssertionError error) {
			return error;
		}
		return new AssertionError("unreachable");
	}

}
