package io.varve.core.evolve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.varve.EventSchemaException;
import io.varve.Upcaster;
import io.varve.core.codec.EventTypeRegistry;

/**
 * The registered upcasters by the (type name, version) they read, and the checks that
 * every stored version of a known class has a way up to the class's version.
 */
public final class Upcasters {

	/** Most upcasters one event passes through: a bound on a chain that loops. */
	static final int MAX_STEPS = 1000;

	private final Map<StoredSchemas.Schema, Upcaster> byInput = new HashMap<>();

	private final Set<String> types = new HashSet<>();

	private final EventTypeRegistry registry;

	/**
	 * Indexes the upcasters.
	 * @param upcasters the upcasters
	 * @param registry the event classes, for aliases and versions
	 * @throws EventSchemaException if two read the same type and version, or one is
	 * malformed
	 */
	public Upcasters(List<Upcaster> upcasters, EventTypeRegistry registry) {
		this.registry = registry;
		for (Upcaster upcaster : upcasters) {
			String type = upcaster.type();
			if (type == null || type.isBlank()) {
				throw new EventSchemaException("The upcaster " + upcaster + " reads no type name; return the stored "
						+ "type name from type()");
			}
			if (upcaster.fromVersion() < 1 || upcaster.toVersion() < 1
					|| (type.equals(upcaster.toType()) && upcaster.toVersion() <= upcaster.fromVersion())) {
				throw new EventSchemaException("The upcaster " + upcaster + " for '" + type + "' goes from version "
						+ upcaster.fromVersion() + " to " + upcaster.toVersion()
						+ "; versions start at 1 and an upcaster that keeps the type must raise its version");
			}
			StoredSchemas.Schema input = new StoredSchemas.Schema(type, upcaster.fromVersion());
			Upcaster existing = this.byInput.putIfAbsent(input, upcaster);
			if (existing != null) {
				throw new EventSchemaException("Two upcasters read " + input + ": " + existing + " and " + upcaster
						+ "; an event can be upcast only one way, so merge them into one");
			}
			this.types.add(type);
		}
	}

	/** Whether no upcaster is registered. */
	public boolean isEmpty() {
		return this.byInput.isEmpty();
	}

	/** The type names upcasters read, as registered. */
	Set<String> types() {
		return this.types;
	}

	/**
	 * The upcaster for a stored type name (or its current name, when it is an alias) and
	 * version.
	 * @param type the type name
	 * @param version the schema version
	 * @return the upcaster, or null
	 */
	@Nullable Upcaster find(String type, int version) {
		Upcaster upcaster = this.byInput.get(new StoredSchemas.Schema(type, version));
		if (upcaster == null) {
			String current = this.registry.currentName(type);
			if (!current.equals(type)) {
				upcaster = this.byInput.get(new StoredSchemas.Schema(current, version));
			}
		}
		return upcaster;
	}

	/** Whether events of this type name may be upcast at some version. */
	boolean upcasts(String type) {
		return this.types.contains(type) || this.types.contains(this.registry.currentName(type));
	}

	/**
	 * Checks that events of every given pair reach the version of their class, following
	 * the upcasters' declared results, and that every upcaster's chain does: only for
	 * types whose class is known, and only where {@code type} (when not null) is where
	 * the chain ends.
	 * @param stored the store's pairs
	 * @param onlyType the one type name to check, or null for all
	 * @throws EventSchemaException on the first pair that does not
	 */
	void check(Set<StoredSchemas.Schema> stored, @Nullable String onlyType) {
		List<StoredSchemas.Schema> starts = new ArrayList<>(stored);
		starts.addAll(this.byInput.keySet());
		for (StoredSchemas.Schema start : starts) {
			boolean fromStore = stored.contains(start);
			String type = this.registry.currentName(start.type());
			int version = start.version();
			List<String> path = new ArrayList<>();
			for (int step = 0;; step++) {
				Upcaster upcaster = find(type, version);
				if (upcaster == null) {
					break;
				}
				if (step == MAX_STEPS) {
					throw new EventSchemaException("The upcasters from " + start + " form a loop: " + path);
				}
				path.add(upcaster.toString());
				type = this.registry.currentName(upcaster.toType());
				version = upcaster.toVersion();
			}
			if (onlyType != null && !onlyType.equals(type)) {
				continue;
			}
			Class<?> target = this.registry.classFor(type).orElse(null);
			if (target == null) {
				continue;
			}
			int current = EventTypeRegistry.versionOf(target);
			if (version == current) {
				continue;
			}
			String origin = fromStore ? "The store holds events of " + start : "The upcaster chain from " + start;
			if (version < current) {
				throw new EventSchemaException(origin + (path.isEmpty() ? "" : " (through " + path + ")")
						+ " that reach version " + version + " of '" + type + "', but " + target.getName()
						+ " is version " + current + " and no upcaster reads '" + type + "' version " + version
						+ ". Register an Upcaster for it (type \"" + type + "\", fromVersion " + version
						+ "), so that these events can be read");
			}
			throw new EventSchemaException(
					origin + (path.isEmpty() ? "" : " (through " + path + ")") + " that are version " + version
							+ " of '" + type + "', newer than " + target.getName() + " (version " + current + "): "
							+ (fromStore
									? "a newer version of the application wrote them. Run that version, or raise "
											+ "@EventType(version) of the class and write the upcasters up to it"
									: "the upcaster goes past the class. Raise @EventType(version) of the class or fix "
											+ "the upcaster's toVersion()"));
		}
	}

}
