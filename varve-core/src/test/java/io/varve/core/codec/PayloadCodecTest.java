package io.varve.core.codec;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.varve.EventDecodingException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class PayloadCodecTest {

	private static final byte END_OF_CONTENT = (byte) 0xFF;

	private final PayloadCodec codec = new PayloadCodec(PayloadCodec.defaultMapper());

	@Test
	void roundTripsARecord() {
		byte[] bytes = this.codec.encode(new Sample(7, "seven"), () -> "sample");
		assertThat(this.codec.decode(bytes, 0, bytes.length, Sample.class, "sample")).isEqualTo(new Sample(7, "seven"));
		assertThat(this.codec.decodeMap(bytes, 0, bytes.length, "sample")).containsEntry("index", 7);
	}

	@Test
	void endOfContentMarkerInsideAnObjectFailsInsteadOfHanging() {
		// A damaged payload: the Smile end-of-content marker in place of an array's
		// second element. Jackson's Smile parser reports it as the end of input with the
		// object still open, and binding a record through its constructor, with an
		// unknown property buffered, looped for ever on it.
		byte[] damaged = this.codec.encode(new LinkedHashMap<>(Map.of("index", 1, "list", List.of(1, 2))),
				() -> "sample");
		byte[] list = this.codec.encode(List.of(1, 2), () -> "list");
		// The list's body (after the 4-byte header): start, element, element, end.
		int at = indexOf(damaged, Arrays.copyOfRange(list, 4, list.length));
		damaged[at + 2] = END_OF_CONTENT;
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			assertThatExceptionOfType(EventDecodingException.class)
				.isThrownBy(() -> this.codec.decode(damaged, 0, damaged.length, Sample.class, "the payload"))
				.withMessageContaining("Data ends inside an unfinished object or array");
			assertThatExceptionOfType(EventDecodingException.class)
				.isThrownBy(() -> this.codec.decodeMap(damaged, 0, damaged.length, "the payload"))
				.withMessageContaining("Data ends inside an unfinished object or array");
			assertThatExceptionOfType(EventDecodingException.class)
				.isThrownBy(() -> this.codec.decode(damaged, 0, damaged.length, Object.class, "the payload"));
		});
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		for (int i = 0; i <= haystack.length - needle.length; i++) {
			if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
				return i;
			}
		}
		throw new AssertionError(Arrays.toString(needle) + " not found in " + Arrays.toString(haystack));
	}

	record Sample(long index, String text) {
	}

}
