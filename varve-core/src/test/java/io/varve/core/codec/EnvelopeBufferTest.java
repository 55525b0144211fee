package io.varve.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.varve.EventSerializationException;
import io.varve.VarveException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An append's envelopes encoded back to back are byte for byte what
 * {@link Envelope#encode} makes of each event on its own, whatever mix of optional parts
 * they have and however often the buffer has to grow, and a reader on another thread sees
 * each published envelope intact while later ones are written.
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
			int schemaVersion = (i % 5 == 0) ? 2 + i : 1;
			int length = buffer.add(this.codec, id, correlation, causation, type, schemaVersion, stream, metadata,
					payload, () -> "note");
			expected[i] = Envelope.encode(id, correlation, causation, type, schemaVersion, stream,
					(metadata != null) ? this.codec.encode(metadata, () -> "metadata") : null,
					this.codec.encode(payload, () -> "note"));
			assertThat(length).isEqualTo(expected[i].length);
		}
		assertThat(buffer.count()).isEqualTo(count);
		long total = 0;
		for (int i = 0; i < count; i++) {
			assertThat(buffer.length(i)).isEqualTo(expected[i].length);
			byte[] actual = Arrays.copyOfRange(buffer.array(i), buffer.offset(i), buffer.offset(i) + buffer.length(i));
			assertThat(actual).as("envelope %d", i).isEqualTo(expected[i]);
			total += expected[i].length;
		}
		assertThat(buffer.totalBytes()).isEqualTo(total);
	}

	@Test
	void publishedEnvelopesStayWhereTheyAreWhileLaterOnesAreWritten() throws Exception {
		int count = 2_000;
		EnvelopeBuffer buffer = new EnvelopeBuffer(count, 1);
		byte[][] seen = new byte[count][];
		// The reader copies each envelope as soon as it is published, while the buffer
		// keeps growing into new arrays behind it.
		FutureTask<Void> reader = new FutureTask<>(() -> {
			for (int i = 0; i < count; i++) {
				buffer.awaitPublished(i);
				seen[i] = Arrays.copyOfRange(buffer.array(i), buffer.offset(i), buffer.offset(i) + buffer.length(i));
			}
		}, null);
		new Thread(reader, "reader").start();
		byte[][] expected = new byte[count][];
		for (int i = 0; i < count; i++) {
			UUID id = new UUID(i, i);
			Note payload = new Note("n".repeat(i % 500), List.of(i));
			buffer.add(this.codec, id, null, null, new byte[] { 'N' }, 1, new byte[] { 's' }, null, payload,
					() -> "note");
			expected[i] = Envelope.encode(id, null, null, new byte[] { 'N' }, 1, new byte[] { 's' }, null,
					this.codec.encode(payload, () -> "note"));
			if (i % 7 == 0) {
				buffer.publish();
			}
		}
		buffer.publish();
		// Whatever the reader threw reaches the test here.
		reader.get(10, TimeUnit.SECONDS);
		for (int i = 0; i < count; i++) {
			assertThat(seen[i]).as("envelope %d", i).isEqualTo(expected[i]);
		}
	}

	@Test
	void aWaitingReaderGetsTheEncodingFailure() throws Exception {
		EnvelopeBuffer buffer = new EnvelopeBuffer(2, 64);
		buffer.add(this.codec, new UUID(1, 1), null, null, new byte[] { 'N' }, 1, new byte[] { 's' }, null,
				new Note("a", List.of()), () -> "note");
		buffer.publish();
		FutureTask<Void> reader = new FutureTask<>(() -> {
			buffer.awaitPublished(0);
			buffer.awaitPublished(1);
		}, null);
		new Thread(reader, "reader").start();
		VarveException cause = new VarveException("encoding broke");
		buffer.fail(cause);
		assertThatThrownBy(() -> reader.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.cause()
			.isSameAs(cause);
	}

	@Test
	void aPayloadJacksonCannotWriteFailsWithItsDescription() {
		EnvelopeBuffer buffer = new EnvelopeBuffer(1, 64);
		Unreadable unserialisable = new Unreadable();
		assertThatThrownBy(() -> buffer.add(this.codec, UUID.randomUUID(), null, null, new byte[] { 'T' }, 1,
				new byte[] { 's' }, null, unserialisable, () -> "event 0 of the append to 's'"))
			.isInstanceOf(EventSerializationException.class)
			.hasMessageContaining("event 0 of the append to 's'")
			.hasMessageContaining(Unreadable.class.getName());
		assertThat(buffer.count()).isZero();
	}

}
