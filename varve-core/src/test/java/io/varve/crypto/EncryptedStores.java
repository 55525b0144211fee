package io.varve.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.varve.Varve;
import io.varve.VarveBuilder;

/**
 * What the encryption tests share: master keys, a key provider that remembers what it
 * wrapped, and a search of a directory's files for bytes.
 */
final class EncryptedStores {

	static final byte[] KEY_1 = Base64.getDecoder().decode("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=");

	static final byte[] KEY_2 = Base64.getDecoder().decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");

	private EncryptedStores() {
	}

	static VarveBuilder builder(Path store, KeyProvider provider, Path keyStore) {
		return Varve.builder().path(store).eventTypes(Note.class).encryption(Encryption.of(provider, keyStore));
	}

	/** Every file under a directory whose bytes contain the text, as UTF-8. */
	static List<Path> filesContaining(Path directory, String text) {
		byte[] needle = text.getBytes(StandardCharsets.UTF_8);
		List<Path> found = new ArrayList<>();
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				if (contains(Files.readAllBytes(file), needle)) {
					found.add(file);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return found;
	}

	static boolean contains(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}

	/** A payload with a text to look for. */
	@io.varve.EventType("note")
	record Note(String text) {
	}

	/**
	 * Wraps with a {@link LocalKeyProvider} and keeps every wrapped key it made, by
	 * stream.
	 */
	static final class RecordingKeyProvider implements KeyProvider {

		private final LocalKeyProvider keys;

		final Map<String, List<byte[]>> wrapped = new ConcurrentHashMap<>();

		RecordingKeyProvider(LocalKeyProvider keys) {
			this.keys = keys;
		}

		@Override
		public String currentKeyId() {
			return this.keys.currentKeyId();
		}

		@Override
		public byte[] wrap(String keyId, byte[] dataKey, byte[] context) {
			byte[] result = this.keys.wrap(keyId, dataKey, context);
			// The context is a label ending in a zero byte, the data key id, the stream
			// name.
			int label = 0;
			while (context[label] != 0) {
				label++;
			}
			int start = label + 1 + 8;
			String stream = new String(context, start, context.length - start, StandardCharsets.UTF_8);
			this.wrapped.computeIfAbsent(stream, (name) -> new ArrayList<>()).add(result);
			return result;
		}

		@Override
		public byte[] unwrap(String keyId, byte[] wrappedKey, byte[] context) {
			return this.keys.unwrap(keyId, wrappedKey, context);
		}

	}

}
