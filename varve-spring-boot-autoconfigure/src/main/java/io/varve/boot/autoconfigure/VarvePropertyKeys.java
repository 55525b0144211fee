package io.varve.boot.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.ResolvableType;

/**
 * The keys {@link VarveProperties} binds, and the one closest to a mistyped key, for the
 * warnings that name a key that binds to nothing. Read from the properties classes, so a
 * new property is known here without a list to keep in step.
 */
public final class VarvePropertyKeys {

	/** Stands for a map key, such as a processor name, in {@link #all()}. */
	public static final String MAP_KEY = "<name>";

	private static final List<String> KEYS = List.copyOf(collect("varve", VarveProperties.class, new ArrayList<>()));

	private VarvePropertyKeys() {
	}

	/**
	 * Every key, in dashed form, with {@link #MAP_KEY} for map keys, such as
	 * {@code varve.processor.<name>.batch-size}.
	 * @return the keys
	 */
	public static List<String> all() {
		return KEYS;
	}

	/**
	 * The valid key closest to a key that binds to nothing. A {@link #MAP_KEY} in a
	 * candidate takes the unknown key's element at that place, so that
	 * {@code varve.processor.balances.bach-size} is closest to
	 * {@code varve.processor.balances.batch-size}.
	 * @param unknown the key
	 * @return the closest valid key
	 */
	public static String closestKey(ConfigurationPropertyName unknown) {
		List<String> candidates = new ArrayList<>();
		for (String key : KEYS) {
			String[] elements = key.split("\\.");
			for (int i = 0; i < elements.length; i++) {
				if (elements[i].equals(MAP_KEY) && i < unknown.getNumberOfElements()) {
					elements[i] = unknown.getElement(i, ConfigurationPropertyName.Form.ORIGINAL);
				}
			}
			candidates.add(String.join(".", elements));
		}
		return closest(unknown.toString(), candidates);
	}

	/**
	 * The candidate with the fewest single-character edits from a word, ignoring case,
	 * dashes and underscores (as Spring Boot's relaxed binding does); the first of
	 * equals.
	 * @param word the word
	 * @param candidates the candidates, at least one
	 * @return the closest candidate
	 */
	public static String closest(String word, Collection<String> candidates) {
		String closest = null;
		int best = Integer.MAX_VALUE;
		for (String candidate : candidates) {
			int distance = distance(uniform(word), uniform(candidate));
			if (distance < best) {
				best = distance;
				closest = candidate;
			}
		}
		return closest;
	}

	private static String uniform(String text) {
		return text.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
	}

	/** Levenshtein distance, two rows at a time. */
	static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	private static List<String> collect(String prefix, Class<?> type, List<String> keys) {
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			if (property.getReadMethod() == null || property.getName().equals("class")) {
				continue;
			}
			String key = prefix + "." + DataObjectPropertyName.toDashedForm(property.getName());
			Class<?> valueType = property.getPropertyType();
			if (Map.class.isAssignableFrom(valueType)) {
				Class<?> entryType = ResolvableType.forMethodReturnType(property.getReadMethod())
					.asMap()
					.resolveGeneric(1);
				if (isGroup(entryType)) {
					collect(key + "." + MAP_KEY, entryType, keys);
					continue;
				}
			}
			if (isGroup(valueType)) {
				collect(key, valueType, keys);
			}
			else if (property.getWriteMethod() != null || Map.class.isAssignableFrom(valueType)) {
				keys.add(key);
			}
		}
		return keys;
	}

	/**
	 * Nested settings are Varve's own classes; values are the JDK's, Spring's or enums.
	 */
	private static boolean isGroup(Class<?> type) {
		return type != null && !type.isEnum() && type.getPackageName().startsWith("io.varve.boot");
	}

}
