package io.varve.core.codec;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.ser.bean.BeanSerializerBase;
import tools.jackson.databind.ser.std.ToEmptyObjectSerializer;

/**
 * Decides, once per class, whether Jackson would store a value of that class without
 * losing it. Jackson never fails on what it cannot see: a class whose fields are private
 * and have no getters is written as {@code {}}, a plain {@code Object} too, and a JDK
 * class it has no serializer for (a {@code Thread}, a {@code ClassLoader}) as whatever
 * its getters return, which cannot be read back. Varve refuses those classes instead.
 * <p>
 * The rule looks at the serializer Jackson chose for the class. A dedicated serializer
 * (String, numbers, java.time, UUID, collections, Optional, enums, {@code @JsonValue}, a
 * user's own) is trusted. A generic bean or empty-object serializer is refused for a JDK
 * or Jackson class, which has no business being written as a bean, and for an application
 * class whose instance fields Jackson cannot see at all. A class without instance fields
 * (an empty record, a marker class) has nothing to lose and passes.
 * {@code java.lang.Class} is refused whatever the serializer: Jackson stores its name and
 * loads the class of that name when reading, and Varve never loads a class named by
 * stored data.
 */
final class ValueRules {

	/** How many hidden fields a message names. */
	private static final int NAMED_FIELDS = 5;

	private static final String[] PLATFORM_PACKAGES = { "java.", "javax.", "jdk.", "sun.", "com.sun.", "tools.jackson.",
			"com.fasterxml.jackson." };

	private ValueRules() {
	}

	/**
	 * Checks a class against the serializer Jackson built for it.
	 * @param type the class
	 * @param serializer the serializer Jackson chose
	 * @param typeInfo the class's {@code @JsonTypeInfo}, its own or inherited, or null
	 * @return why values of the class cannot be stored, or null if they can
	 */
	static @Nullable Refusal check(Class<?> type, ValueSerializer<?> serializer, JsonTypeInfo typeInfo) {
		if (typeInfo != null
				&& (typeInfo.use() == JsonTypeInfo.Id.CLASS || typeInfo.use() == JsonTypeInfo.Id.MINIMAL_CLASS)) {
			return new Refusal(type, type.getName() + " is written with @JsonTypeInfo(use = " + typeInfo.use()
					+ "), which stores a class name with it and loads the class of that name when reading it back, "
					+ "which Varve never does with stored data",
					"Use @JsonTypeInfo(use = JsonTypeInfo.Id.NAME) with @JsonSubTypes naming the subtypes");
		}
		if (type == Class.class) {
			return new Refusal(type,
					"a java.lang.Class would be stored as a class name and loaded by that name "
							+ "when read back, which Varve never does with stored data",
					"Store the name as a String and map it to a class in your code");
		}
		boolean generic = serializer instanceof BeanSerializerBase || serializer instanceof ToEmptyObjectSerializer;
		if (!generic) {
			return null;
		}
		if (isPlatform(type)) {
			return new Refusal(type,
					type.getName() + " is a " + (isJackson(type) ? "Jackson" : "JDK")
							+ " class that Jackson has no serializer for: it would write the values of its getters "
							+ "(or {}) and could not read them back",
					"Store the values you need from it instead (Strings, numbers, UUIDs, java.time values "
							+ "or records of them)");
		}
		if (serializer.properties().hasNext()) {
			return null;
		}
		List<String> hidden = hiddenFields(type);
		if (hidden.isEmpty()) {
			return null;
		}
		String names = String.join(", ", hidden.subList(0, Math.min(NAMED_FIELDS, hidden.size())))
				+ ((hidden.size() > NAMED_FIELDS) ? ", ..." : "");
		return new Refusal(type,
				type.getName() + " has fields (" + names
						+ ") that Jackson cannot see (not public and without getters), so it would be stored as {} "
						+ "and their values lost",
				"Make it a record, add public getters, or annotate the fields with @JsonProperty "
						+ "(mark fields that are not part of its state transient or @JsonIgnore)");
	}

	/** Whether a class belongs to the JDK or to Jackson. */
	static boolean isPlatform(Class<?> type) {
		String name = type.getName();
		for (String prefix : PLATFORM_PACKAGES) {
			if (name.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isJackson(Class<?> type) {
		return type.getName().startsWith("tools.jackson.") || type.getName().startsWith("com.fasterxml.jackson.");
	}

	/**
	 * The instance fields of a class and its application superclasses that hold state:
	 * not static, transient, synthetic (an inner class's outer instance) or ignored.
	 */
	private static List<String> hiddenFields(Class<?> type) {
		List<String> fields = new ArrayList<>();
		for (Class<?> c = type; c != null && !isPlatform(c); c = c.getSuperclass()) {
			for (Field field : c.getDeclaredFields()) {
				int modifiers = field.getModifiers();
				if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.isSynthetic()) {
					continue;
				}
				JsonIgnore ignore = field.getAnnotation(JsonIgnore.class);
				if (ignore == null || !ignore.value()) {
					fields.add(field.getName());
				}
			}
		}
		return fields;
	}

	/**
	 * Why values of a class cannot be stored.
	 *
	 * @param type the class
	 * @param reason what would go wrong, naming the class
	 * @param fix what to do instead
	 */
	record Refusal(Class<?> type, String reason, String fix) {

		/**
		 * The refusal as part of a message.
		 * @param path the property path from the value being stored, empty for the value
		 * itself
		 * @return the explanation and the fix
		 */
		String describe(String path) {
			return (path.isEmpty() ? "" : "in property '" + path + "', ") + this.reason + ". " + this.fix;
		}

	}

}
