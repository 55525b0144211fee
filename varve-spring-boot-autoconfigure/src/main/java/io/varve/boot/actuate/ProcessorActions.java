package io.varve.boot.actuate;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import io.varve.Varve;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorRegistry;

/**
 * The write operations of the {@code varve} endpoint on a processor: checks the action
 * and its position, then calls the {@link ProcessorRegistry}.
 */
final class ProcessorActions {

	private static final int PAGE = 1000;

	private final Varve varve;

	ProcessorActions(Varve varve) {
		this.varve = varve;
	}

	Outcome act(String name, @Nullable String actionName, @Nullable Long position) {
		Action action = Action.parse(actionName);
		ProcessorRegistry registry = this.varve.processors();
		// Unknown processors fail before the arguments are judged.
		registry.status(name);
		String result = switch (action) {
			case PAUSE -> {
				noPosition(action, position);
				registry.pause(name);
				yield "paused after its batch in hand; it handles nothing until resumed";
			}
			case RESUME -> {
				noPosition(action, position);
				registry.resume(name);
				yield "resumed";
			}
			case RESTART -> {
				noPosition(action, position);
				registry.restart(name);
				yield "restarted from its checkpoint";
			}
			case RESET -> reset(registry, name, position);
			case REBUILD -> rebuild(registry, name, position);
			case CANCEL_REBUILD -> {
				noPosition(action, position);
				registry.cancelRebuild(name);
				yield "the rebuild was cancelled and its tables dropped; the current tables stay live";
			}
			case RETRY -> retry(registry, name, position);
			case DISCARD -> discard(registry, name, position);
		};
		return new Outcome(action.id(), result);
	}

	private String reset(ProcessorRegistry registry, String name, @Nullable Long position) {
		if (position == null) {
			throw badRequest("reset needs a position: the first position to handle again (0 for the beginning)");
		}
		long head = this.varve.headPosition();
		if (position < 0) {
			throw badRequest("reset position must be 0 or more (0 for the beginning), got " + position);
		}
		if (position > head + 1) {
			throw badRequest("reset position " + position + " is past the head (" + head + "); the most is "
					+ (head + 1) + ", which skips every event committed so far");
		}
		registry.reset(name, position);
		return "reset: it handles events again from position " + Math.max(1, position);
	}

	private String rebuild(ProcessorRegistry registry, String name, @Nullable Long position) {
		long from = (position != null) ? position : 1;
		long head = this.varve.headPosition();
		if (from < 0 || from > head + 1) {
			throw badRequest("rebuild position must be between 0 (the beginning) and " + (head + 1)
					+ " (the head plus one), got " + from);
		}
		registry.rebuild(name, from);
		return "rebuilding from position " + Math.max(1, from) + " in new tables; the current ones serve until it "
				+ "catches up. Follow it under 'rebuild' in GET /actuator/varve/processors/" + name;
	}

	private String retry(ProcessorRegistry registry, String name, @Nullable Long position) {
		if (position != null) {
			checkParkedPosition(position);
			return registry.retryParked(name, position) ? "the parked event at " + position + " was handled"
					: "the parked event at " + position + " failed again and stays parked";
		}
		int retried = 0;
		int handled = 0;
		long after = 0;
		for (List<ParkedEvent> page = registry.parked(name, after, PAGE); !page.isEmpty(); page = registry.parked(name,
				after, PAGE)) {
			for (ParkedEvent parked : page) {
				after = parked.position();
				if (parked.held()) {
					// Handled when the event it waits behind is.
					continue;
				}
				retried++;
				if (registry.retryParked(name, parked.position())) {
					handled++;
				}
			}
		}
		return "retried " + retried + " parked events: " + handled + " handled, " + (retried - handled)
				+ " failed again and stay parked";
	}

	private String discard(ProcessorRegistry registry, String name, @Nullable Long position) {
		if (position != null) {
			checkParkedPosition(position);
			registry.discardParked(name, position);
			return "the parked event at " + position + " was discarded";
		}
		// Held events first, so that discarding the events they wait behind releases
		// none:
		// discarding all drops all.
		int discarded = discardAll(registry, name, true);
		discarded += discardAll(registry, name, false);
		return "discarded " + discarded + " parked events";
	}

	private int discardAll(ProcessorRegistry registry, String name, boolean held) {
		int discarded = 0;
		long after = 0;
		for (List<ParkedEvent> page = registry.parked(name, after, PAGE); !page.isEmpty(); page = registry.parked(name,
				after, PAGE)) {
			for (ParkedEvent parked : page) {
				after = parked.position();
				if (parked.held() == held) {
					registry.discardParked(name, parked.position());
					discarded++;
				}
			}
		}
		return discarded;
	}

	private static void checkParkedPosition(long position) {
		if (position < 1) {
			throw badRequest("position of a parked event must be 1 or more, got " + position);
		}
	}

	private static void noPosition(Action action, @Nullable Long position) {
		if (position != null) {
			throw badRequest(action.id() + " takes no position; only reset, rebuild, retry and discard do");
		}
	}

	static InvalidEndpointRequestException badRequest(String message) {
		return new InvalidEndpointRequestException(message, message);
	}

	/** What an action did. */
	record Outcome(String action, String result) {

	}

	enum Action {

		PAUSE, RESUME, RESTART, RESET, REBUILD, CANCEL_REBUILD, RETRY, DISCARD;

		String id() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

		static Action parse(@Nullable String name) {
			String known = Arrays.stream(values()).map(Action::id).collect(Collectors.joining(", "));
			if (name == null || name.isBlank()) {
				throw badRequest("action is required: one of " + known);
			}
			for (Action action : values()) {
				if (action.id().equalsIgnoreCase(name.trim())) {
					return action;
				}
			}
			throw badRequest("Unknown action '" + name + "': use one of " + known);
		}

	}

}
