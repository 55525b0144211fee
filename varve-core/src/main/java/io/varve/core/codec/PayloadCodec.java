package io.varve.core.codec;

import java.io.OutputStream;
import java.util.Collections;
import java.util.Map;
import java.util.function.Supplier;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.dataformat.smile.SmileFactory;
import tools.jackson.dataformat.smile.SmileMapper;

import io.varve.EventDecodingException;
import io.varve.EventSerializationException;
import io.varve.InvalidArgumentException;

/**
 * Encodes payloads and metadata as Jackson Smile, and decodes them into a class the
 * caller names. Never uses default typing: the class always comes from the registry or
 * the caller.
 */
public final class PayloadCodec {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final ObjectMapper mapper;

	private final ObjectReader treeReader;

	/** A reader per class for trees: resolved once, not on every upcast event. */
	private final ClassValue<ObjectReader> treeReaders = new ClassValue<>() {
		@Override
		protected ObjectReader computeValue(Class<?> type) {
			return PayloadCodec.this.mapper.readerFor(type);
		}
	};

	public PayloadCodec(ObjectMapper mapper) {
		this.mapper = mapper;
		this.treeReader = mapper.reader();
	}

	/**
	 * A codec for a store: Varve's default mapper, or the user's with
	 * {@link VarveJacksonModule} added (a mapper is immutable, so that means a copy).
	 * @param mapper the user's mapper, or null for the default
	 * @return the codec
	 * @throws InvalidArgumentException if the mapper has default typing activated
	 */
	public static PayloadCodec forStore(SmileMapper mapper) {
		if (mapper == null) {
			return new PayloadCodec(defaultMapper());
		}
		JavaType any = mapper.constructType(Object.class);
		if (mapper.serializationConfig().getDefaultTyper(any) != null
				|| mapper.deserializationConfig().getDefaultTyper(any) != null) {
			throw new InvalidArgumentException("The Smile mapper given to Varve has Jackson default typing "
					+ "activated: it would write class names into stored events and, when reading them, create "
					+ "objects of whatever classes the stored data names. Build the mapper without "
					+ "activateDefaultTyping (start from VarveBuilder.defaultMapperBuilder()); Varve knows event "
					+ "classes from its type registry (@EventType)");
		}
		boolean checked = mapper.registeredModules()
			.stream()
			.anyMatch((module) -> module instanceof VarveJacksonModule);
		return new PayloadCodec(checked ? mapper : mapper.rebuild().addModule(new VarveJacksonModule()).build());
	}

	/**
	 * The mapper Varve uses by default: Smile, unknown properties are ignored so that old
	 * readers can read events written by newer code, and values Jackson would store
	 * without their state are refused ({@link VarveJacksonModule}); Jackson's working
	 * buffers are kept per platform thread ({@link BufferPool}).
	 * @return a new mapper
	 */
	public static SmileMapper defaultMapper() {
		return defaultMapperBuilder().build();
	}

	/**
	 * A builder for the {@linkplain #defaultMapper() default mapper}.
	 * @return a new builder
	 */
	public static SmileMapper.Builder defaultMapperBuilder() {
		return SmileMapper.builder(SmileFactory.builder().recyclerPool(BufferPool.INSTANCE).build())
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.addModule(new VarveJacksonModule());
	}

	public ObjectMapper mapper() {
		return this.mapper;
	}

	/**
	 * Encodes a value.
	 * @param value the value
	 * @param what what the value is, for the message (built only on failure)
	 * @return the Smile bytes
	 * @throws EventSerializationException if Jackson cannot encode it
	 */
	public byte[] encode(Object value, Supplier<String> what) {
		try {
			return this.mapper.writeValueAsBytes(value);
		}
		catch (JacksonException | IllegalArgumentException | StackOverflowError ex) {
			throw SerializationFailures.of(value, what.get(), ex);
		}
	}

	/**
	 * Checks that values of an event class can be stored, before any is appended.
	 * @param type the event class
	 * @throws EventSerializationException if they cannot, saying why and what to do
	 */
	public void checkWritable(Class<?> type) {
		ClassWriteCheck.check(this.mapper, type);
	}

	/**
	 * Encodes a value onto the end of an output, as {@link #encode} does into an array.
	 * @param value the value
	 * @param out the output; on failure it may hold part of the value
	 * @param what what the value is, for the message (built only on failure)
	 * @throws EventSerializationException if Jackson cannot encode it
	 */
	public void encodeTo(Object value, OutputStream out, Supplier<String> what) {
		try {
			this.mapper.writeValue(out, value);
		}
		catch (JacksonException | IllegalArgumentException | StackOverflowError ex) {
			throw SerializationFailures.of(value, what.get(), ex);
		}
	}

	/**
	 * Decodes bytes into a class.
	 * @param <T> the class
	 * @param bytes the buffer
	 * @param offset start of the Smile data
	 * @param length its length
	 * @param type the class to decode into
	 * @param what what the bytes are, for the message
	 * @return the value
	 * @throws EventDecodingException if the bytes do not decode into that class
	 */
	public <T> T decode(byte[] bytes, int offset, int length, Class<T> type, String what) {
		return decode(bytes, offset, length, type, () -> what);
	}

	/**
	 * Decodes bytes into a class, describing them only if decoding fails (building the
	 * description costs more than a small payload's decoding).
	 * @param <T> the class
	 * @param bytes the buffer
	 * @param offset start of the Smile data
	 * @param length its length
	 * @param type the class to decode into
	 * @param what what the bytes are, for the message
	 * @return the value
	 * @throws EventDecodingException if the bytes do not decode into that class
	 */
	public <T> T decode(byte[] bytes, int offset, int length, Class<T> type, Supplier<String> what) {
		try {
			try (JsonParser parser = parser(bytes, offset, length)) {
				return this.mapper.readValue(parser, type);
			}
		}
		catch (RuntimeException | StackOverflowError ex) {
			throw new EventDecodingException("Cannot decode " + what.get() + " as " + type.getName() + ": "
					+ message(ex) + ". Check that the class matches what was written, or read the raw bytes", ex);
		}
	}

	/**
	 * Decodes bytes into a tree, with no class (Smile is self-describing).
	 * @param bytes the buffer
	 * @param offset start of the Smile data
	 * @param length its length
	 * @param what what the bytes are, for the message
	 * @return the tree
	 * @throws EventDecodingException if the bytes are not Smile
	 */
	public JsonNode decodeTree(byte[] bytes, int offset, int length, Supplier<String> what) {
		try {
			// Read without the end check of decode: a stored payload's checksum was
			// checked
			// before it gets here, and building a tree cannot loop over a truncated
			// object.
			JsonNode tree = this.treeReader.readTree(bytes, offset, length);
			return (tree != null) ? tree : this.mapper.missingNode();
		}
		catch (RuntimeException | StackOverflowError ex) {
			throw new EventDecodingException("Cannot decode " + what.get() + " as a tree: " + message(ex), ex);
		}
	}

	/**
	 * Turns a tree (an upcast payload or metadata) into a class.
	 * @param <T> the class
	 * @param tree the tree
	 * @param type the class
	 * @param what what the tree is, for the message
	 * @return the value
	 * @throws EventDecodingException if the tree does not fit the class
	 */
	public <T> T convert(JsonNode tree, Class<T> type, Supplier<String> what) {
		try {
			return this.treeReaders.get(type).readValue(tree);
		}
		catch (RuntimeException | StackOverflowError ex) {
			throw new EventDecodingException("Cannot decode " + what.get() + " as " + type.getName() + ": "
					+ message(ex) + ". Check that the class and the upcasters match what was written", ex);
		}
	}

	/**
	 * Turns a value (metadata entries) into a tree.
	 * @param value the value
	 * @return the tree
	 */
	public JsonNode toTree(Object value) {
		return this.mapper.valueToTree(value);
	}

	/**
	 * Decodes bytes into a map of names to plain values.
	 * @param bytes the buffer
	 * @param offset start of the Smile data
	 * @param length its length
	 * @param what what the bytes are, for the message
	 * @return an unmodifiable map
	 */
	public Map<String, Object> decodeMap(byte[] bytes, int offset, int length, String what) {
		try {
			Map<String, Object> map;
			try (JsonParser parser = parser(bytes, offset, length)) {
				map = this.mapper.readValue(parser, MAP);
			}
			return (map != null) ? Collections.unmodifiableMap(map) : Map.of();
		}
		catch (RuntimeException | StackOverflowError ex) {
			throw new EventDecodingException("Cannot decode " + what + " as a map: " + message(ex)
					+ "; read it with metadataAs(YourClass.class) instead", ex);
		}
	}

	private JsonParser parser(byte[] bytes, int offset, int length) {
		return new EndCheckingParser(this.mapper.createParser(bytes, offset, length));
	}

	private static String message(Throwable ex) {
		return (ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : String.valueOf(ex);
	}

}
