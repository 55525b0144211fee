package io.varve.core.evolve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;

import io.varve.EventDecodingException;
import io.varve.RecordedEvent;
import io.varve.Upcaster;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.read.EventReader;
import io.varve.core.read.StoredEvent;

/**
 * Schema evolution for one store: checks at open and at each class's registration that
 * every stored version can be read, and upcasts stored events as they are read. With no
 * upcaster registered, reading costs nothing more than before.
 */
public final class Evolution implements EventReader.Expander {

	private final EventTypeRegistry registry;

	private final PayloadCodec codec;

	private final Upcasters upcasters;

	/**
	 * Creates the evolution of a store and checks the classes registered so far.
	 * @param registry the event classes
	 * @param codec the payload codec
	 * @param upcasters the registered upcasters
	 * @param schemas the store's (type, version) pairs
	 * @throws io.varve.EventSchemaException if a stored version cannot be read
	 */
	public Evolution(EventTypeRegistry registry, PayloadCodec codec, List<Upcaster> upcasters, StoredSchemas schemas) {
		this.registry = registry;
		this.codec = codec;
		this.upcasters = new Upcasters(upcasters, registry);
		this.upcasters.check(schemas.all(), null);
		registry.onRegister((type) -> this.upcasters.check(schemas.all(), EventTypeRegistry.nameOf(type)));
	}

	/**
	 * The stored type names whose events may become events of a type when read: the name
	 * itself, its class's aliases, and, where upcasters are registered, every name they
	 * read (their results are filtered by type after upcasting).
	 * @param type a current type name
	 * @return the stored names to let through a filter
	 */
	@Override
	public Set<String> storedNamesOf(String type) {
		Set<String> names = new LinkedHashSet<>();
		names.add(type);
		names.addAll(this.registry.aliasesOf(type));
		names.addAll(this.upcasters.types());
		for (String upcast : this.upcasters.types()) {
			names.addAll(this.registry.aliasesOf(upcast));
		}
		return names;
	}

	@Override
	public boolean changesTypes() {
		return !this.upcasters.isEmpty();
	}

	/**
	 * Adds what a stored event reads as: itself, or what its upcasters make of it (none,
	 * one or several events).
	 * @param event the stored event
	 * @param out where the events go
	 */
	@Override
	public void read(StoredEvent event, List<RecordedEvent> out) {
		if (this.upcasters.isEmpty() || !this.upcasters.upcasts(event.storedType())) {
			out.add(event);
			return;
		}
		int version = event.schemaVersion();
		Upcaster upcaster = this.upcasters.find(event.storedType(), version);
		if (upcaster == null) {
			out.add(event);
			return;
		}
		Upcaster.Event current = new Upcaster.Event(event.type(), version, event.payloadTree(), event.metadata());
		// The usual chain: one event in, one out, until no upcaster reads it.
		for (int steps = 1;; steps++) {
			List<Upcaster.Event> results = upcast(upcaster, current, event, steps);
			if (results.size() != 1) {
				Deque<Upcaster.Event> work = new ArrayDeque<>(results);
				List<Upcaster.Event> done = new ArrayList<>(results.size());
				while (!work.isEmpty()) {
					Upcaster.Event next = work.removeFirst();
					Upcaster further = this.upcasters.find(next.type(), next.version());
					if (further == null) {
						done.add(next);
						continue;
					}
					List<Upcaster.Event> more = upcast(further, next, event, ++steps);
					for (int i = more.size() - 1; i >= 0; i--) {
						work.addFirst(more.get(i));
					}
				}
				for (int i = 0; i < done.size(); i++) {
					out.add(new EvolvedEvent(event, i, done.get(i), this.codec, this.registry));
				}
				return;
			}
			current = results.get(0);
			upcaster = this.upcasters.find(current.type(), current.version());
			if (upcaster == null) {
				out.add(new EvolvedEvent(event, 0, current, this.codec, this.registry));
				return;
			}
		}
	}

	/**
	 * Runs one upcaster on one event and checks its results (current type names, a higher
	 * version for a result of the same type).
	 */
	private List<Upcaster.Event> upcast(Upcaster upcaster, Upcaster.Event next, StoredEvent event, int steps) {
		if (steps > Upcasters.MAX_STEPS) {
			throw new EventDecodingException("Upcasting the event at position " + event.position() + " took more than "
					+ Upcasters.MAX_STEPS + " steps; its upcasters loop");
		}
		List<Upcaster.Event> results;
		try {
			// Each tree belongs to one event: decoded for it, or made by the upcaster
			// before.
			results = upcaster.upcast(next);
		}
		catch (RuntimeException ex) {
			throw new EventDecodingException("The upcaster " + upcaster + " failed on the event at position "
					+ event.position() + " (stream '" + event.stream() + "'): " + ex, ex);
		}
		if (results == null) {
			throw new EventDecodingException("The upcaster " + upcaster + " returned null for the event at "
					+ "position " + event.position() + "; return List.of() to drop an event");
		}
		List<Upcaster.Event> checked = results;
		for (int i = 0; i < results.size(); i++) {
			Upcaster.Event result = results.get(i);
			Upcaster.Event renamed = result;
			if (result != null) {
				String current = this.registry.currentName(result.type());
				if (!current.equals(result.type())) {
					renamed = result.withType(current);
				}
			}
			if (renamed == null || (renamed.type().equals(next.type()) && renamed.version() <= next.version())) {
				throw new EventDecodingException("The upcaster " + upcaster + " made " + result + " of the event "
						+ "at position " + event.position() + "; a result of the same type must be a higher "
						+ "version than " + next.version());
			}
			if (renamed != result) {
				if (checked == results) {
					checked = new ArrayList<>(results);
				}
				checked.set(i, renamed);
			}
		}
		return checked;
	}

}
