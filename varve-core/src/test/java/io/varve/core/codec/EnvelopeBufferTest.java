package io.varve.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.varve.EventSerializationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An append's envelopes encoded back to back are byte for byte what
 * {@link Envelope#encode} makes of each event on its own, whatever mix of optional parts
 * they have and however often the buffer has to grow.
 */
class EnvelopeBufferTest {

	private final PayloadCodec codec = new PayloadCodec(PayloadCodec.defaultMapper());

	record Note(String text, List<Integer> numbers) {
	}

	static final class Unreadable {

		public String getValue() {
			throw new IllegalStateException("no value");
		}

	}

	@Test
	void eachEnvelopeEqualsTheOneEncodedAlone() {
		SplittableRandom random = new SplittableRandom(20261126L);
		int count = 300;
		// A tiny first guess, so the buffer grows many times, once by a whole large
		// event.
		EnvelopeBuffer buffer = new EnvelopeBuffer(count, 1);
		byte[][] expected = new byte[count][];
		for (int i = 0; i < count; i++) {
			UUID id = new UUID(random.nextLong(), random.nextLong());
			UUID correlation = random.nextBoolean() ? new UUID(random.nextLong(), random.nextLong()) : null;
			UUID causation = random.nextBoolean() ? new UUID(random.nextLong(), random.nextLong()) : null;
			Map<String, Object> metadata = random.nextBoolean() ? Map.of("user", "u" + random.nextInt(100)) : null;
			Note payload = new Note("x".repeat((i == 150) ? 100_000 : random.nextInt(300)),
					List.of(random.nextInt(), i));
			byte[] type = ("type-" + (i % 7)).getBytes(StandardCharsets.UTF_8);
			byte[] stream = ("stream-" + i).getBytes(StandardCharsets.UTF_8);
			int length = buffer.add(this.codec, id, correlation, causation, type, stream, metadata, payload,
					() -> "note");
			expected[i] = Envelope.encode(id, correlation, causation, type, stream,
					(metadata != null) ? this.codec.encode(metadata, () -> "metadata") : null,
					this.codec.encode(payload, () -> "note"));
			assertThat(length).isEqualTo(expected[i].length);
		}
		assertThat(buffer.count()).isEqualTo(count);
		int total = 0;
		for (int i = 0; i < count; i++) {
			assertThat(buffer.offset(i)).isEqualTo(total);
			assertThat(buffer.length(i)).isEqualTo(expected[i].length);
			byte[] actual = Arrays.copyOfRange(buffer.bytes(), buffer.offset(i), buffer.offset(i) + buffer.length(i));
			assertThat(actual).as("envelope %d", i).isEqualTo(expected[i]);
			UnsafeBuffer view = new UnsafeBuffer(actual);
			assertThat(Envelope.payloadLength(view))
				.isEqualTo(expected[i].length - Envelope.payloadOffset(new UnsafeBuffer(expected[i])));
			total += expected[i].length;
		}
		assertThat(buffer.totalBytes()).isEqualTo(total);
	}

	@Test
	void aPayloadJacksonCannotWriteFailsWithItsDescription() {
		EnvelopeBuffer buffer = new EnvelopeBuffer(1, 64);
		Unreadable unserialisable = new Unreadable();
		assertThatThrownBy(() -> buffer.add(this.codec, UUID.randomUUID(), null, null, new byte[] { 'T' },
				new byte[] { 's' }, null, unserialisable, () -> "event 0 of the append to 's'"))
			.isInstanceOf(EventSerializationException.class)
			.hasMessageContaining("event 0 of the append to 's'")
			.hasMessageContaining(Unreadable.class.getName());
		assertThat(buffer.count()).isZero();
	}

}
