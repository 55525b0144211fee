package io.varve.boot.actuate;

import java.util.Comparator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.dataformat.smile.SmileMapper;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.varve.InvalidStreamNameException;
import io.varve.RecordedEvent;
import io.varve.SnapshotStore;
import io.varve.StoreOverview;
import io.varve.StreamInfo;
import io.varve.Varve;
import io.varve.boot.actuate.ProcessorDetailDescriptor.ParkedEventDescriptor;
import io.varve.boot.actuate.ProcessorDetailDescriptor.RebuildDescriptor;
import io.varve.boot.actuate.StreamEventsDescriptor.EventDescriptor;
import io.varve.boot.actuate.StreamsDescriptor.StreamHeadDescriptor;
import io.varve.boot.actuate.VarveDescriptor.SnapshotsDescriptor;
import io.varve.boot.actuate.VarveDescriptor.StorageDescriptor;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDetail;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.UnknownProcessorException;

/**
 * The {@code varve} Actuator endpoint: stream heads, processors with their checkpoint,
 * lag and state, a stream's event envelopes, and write operations on processors. It
 * returns no event payload or metadata, unless created to show them
 * ({@code varve.ui.show-payloads=true}, for the operations page).
 *
 * <pre>{@code
 * GET  /actuator/varve                          overview: head, streams, storage, processors
 * GET  /actuator/varve/streams?prefix=&after=&limit=   a page of stream heads
 * GET  /actuator/varve/streams/{name}           one stream (also ?name= on the listing)
 * GET  /actuator/varve/events?stream=&from=&limit=     a page of a stream's event envelopes
 * GET  /actuator/varve/processors               every processor
 * GET  /actuator/varve/processors/{name}?after=&limit= one processor and its parked events
 * POST /actuator/varve/processors/{name}        {"action": "pause|resume|restart|reset|rebuild|cancel-rebuild|retry|discard", "position": 42}
 * }</pre>
 *
 * Its default access is read-only: write operations are refused until
 * {@code management.endpoint.varve.access=unrestricted}. Over HTTP, the
 * {@link VarveEndpointWebExtension} turns unknown names into 404 and bad arguments into
 * 400, each with a message.
 */
@Endpoint(id = "varve", defaultAccess = Access.READ_ONLY)
public class VarveEndpoint {

	/** Page size when none is given. */
	static final int DEFAULT_LIMIT = 100;

	/** Largest page. */
	static final int MAX_LIMIT = 1000;

	static final String STREAMS = "streams";

	static final String PROCESSORS = "processors";

	static final String EVENTS = "events";

	private final Varve varve;

	private final ProcessorActions actions;

	private final boolean showPayloads;

	private final SmileMapper smile = SmileMapper.builder().build();

	/**
	 * Creates the endpoint of a store, which never shows event payloads.
	 * @param varve the store
	 */
	public VarveEndpoint(Varve varve) {
		this(varve, false);
	}

	/**
	 * Creates the endpoint of a store.
	 * @param varve the store
	 * @param showPayloads whether event listings include payloads and metadata
	 * ({@code varve.ui.show-payloads})
	 */
	public VarveEndpoint(Varve varve, boolean showPayloads) {
		this.varve = varve;
		this.actions = new ProcessorActions(varve);
		this.showPayloads = showPayloads;
	}

	/**
	 * Whether event listings include payloads and metadata.
	 * @return true when {@code varve.ui.show-payloads} is set
	 */
	public boolean showsPayloads() {
		return this.showPayloads;
	}

	/**
	 * The overview: head position, stream and event counts, storage and every processor,
	 * all from one snapshot.
	 * @return the overview
	 */
	@ReadOperation
	public VarveDescriptor varve() {
		StoreOverview overview = this.varve.overview();
		long head = overview.headPosition();
		SnapshotStore snapshots = this.varve.snapshots();
		return new VarveDescriptor(head, overview.streamCount(), head, StorageDescriptor.of(overview.storeInfo()),
				describe(overview.processors()), new SnapshotsDescriptor(snapshots.count(), snapshots.bytes()),
				VarveDescriptor.RetentionDescriptor.of(this.varve.retentionStatus()));
	}

	/**
	 * A section: {@code streams} (a page of stream heads, or one stream when {@code name}
	 * is given), {@code processors}, or {@code events} (a page of one stream's events).
	 * @param section {@code streams}, {@code processors} or {@code events}
	 * @param prefix streams: only names starting with this
	 * @param after streams: only names after this one (the previous page's {@code next})
	 * @param name streams: the one stream to describe, for names awkward in a path
	 * @param limit streams and events: the page size, 1 to 1000 (default 100)
	 * @param stream events: the stream whose events to list
	 * @param from events: the first version to list (default 1)
	 * @return the section, or null when there is no such section or stream
	 */
	@ReadOperation
	public @Nullable OperationResponseBody section(@Selector String section, @Nullable String prefix,
			@Nullable String after, @Nullable String name, @Nullable Integer limit, @Nullable String stream,
			@Nullable Long from) {
		if (STREAMS.equals(section)) {
			return (name != null) ? stream(name) : streams(prefix, after, limit);
		}
		if (EVENTS.equals(section)) {
			if (stream == null) {
				throw new InvalidEndpointRequestException("events needs a stream",
						"events needs a stream: /actuator/varve/events?stream=NAME&from=1&limit=100");
			}
			return events(stream, from, limit);
		}
		return PROCESSORS.equals(section) ? processors() : null;
	}

	/**
	 * One stream ({@code streams/{name}}) or one processor ({@code processors/{name}}). A
	 * name may contain {@code /}.
	 * @param section {@code streams} or {@code processors}
	 * @param name the name's path segments
	 * @param after processors: list parked events after this position
	 * @param limit processors: the most parked events to list, 1 to 1000 (default 100)
	 * @return the stream or processor, or null when there is none of that name
	 */
	@ReadOperation
	public @Nullable OperationResponseBody item(@Selector String section,
			@Selector(match = Match.ALL_REMAINING) String[] name, @Nullable Long after, @Nullable Integer limit) {
		if (STREAMS.equals(section)) {
			return stream(join(name));
		}
		return PROCESSORS.equals(section) ? processor(join(name), after, limit) : null;
	}

	/**
	 * Acts on a processor ({@code processors/{name}}).
	 * @param section {@code processors}
	 * @param name the processor's name segments
	 * @param action {@code pause}, {@code resume}, {@code restart}, {@code reset},
	 * {@code retry} or {@code discard}
	 * @param position reset: the first position to handle again (0 for the beginning, at
	 * most the head plus one); retry and discard: the parked event's position, or none
	 * for every parked event
	 * @return what was done and the processor's status after it
	 */
	@WriteOperation
	public ProcessorActionDescriptor processorAction(@Selector String section,
			@Selector(match = Match.ALL_REMAINING) String[] name, @Nullable String action, @Nullable Long position) {
		if (!PROCESSORS.equals(section)) {
			throw new InvalidEndpointRequestException("Only processors take write operations, not " + section,
					"Only processors take write operations: POST /actuator/varve/processors/{name}");
		}
		return act(join(name), action, position);
	}

	/**
	 * A page of stream heads in name order.
	 * @param prefix only names starting with this, or null for all
	 * @param after only names after this one, or null from the first
	 * @param limit the page size, or null for 100
	 * @return the page
	 */
	public StreamsDescriptor streams(@Nullable String prefix, @Nullable String after, @Nullable Integer limit) {
		String from = (prefix != null) ? prefix : "";
		int size = limit(limit);
		List<StreamInfo> page = this.varve.listStreams(from, after, size);
		String next = (page.size() == size) ? page.get(page.size() - 1).stream() : null;
		return new StreamsDescriptor(from, page.stream().map(StreamHeadDescriptor::of).toList(), next);
	}

	/**
	 * One stream.
	 * @param name the stream's name
	 * @return the stream, or null when there is none of that name
	 */
	public @Nullable StreamDescriptor stream(String name) {
		StreamInfo info;
		try {
			info = this.varve.streamInfo(name).orElse(null);
		}
		catch (InvalidStreamNameException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
		if (info == null) {
			return null;
		}
		// The event at a position never changes, so reading it after the head is
		// consistent with the head.
		String lastType = this.varve.readEvent(info.lastPosition()).map(RecordedEvent::type).orElse(null);
		return StreamDescriptor.of(info, lastType);
	}

	/**
	 * A page of a stream's events in version order: envelopes, and payloads and metadata
	 * only when this endpoint {@linkplain #showsPayloads() shows them}.
	 * @param stream the stream's name
	 * @param from the first version to list, or null from the first
	 * @param limit the page size, or null for 100
	 * @return the page, or null when there is no such stream
	 */
	public @Nullable StreamEventsDescriptor events(String stream, @Nullable Long from, @Nullable Integer limit) {
		long first = (from != null) ? from : 1;
		if (first < 1) {
			throw new InvalidEndpointRequestException("from must be 1 or more, got " + first,
					"from must be 1 or more, got " + first);
		}
		int size = limit(limit);
		StreamInfo info;
		try {
			info = this.varve.streamInfo(stream).orElse(null);
		}
		catch (InvalidStreamNameException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
		if (info == null) {
			return null;
		}
		List<EventDescriptor> events = this.varve.readStream(stream, first, size).stream().map(this::describe).toList();
		long last = events.isEmpty() ? first - 1 : events.get(events.size() - 1).version();
		Long next = (last < info.version() && !events.isEmpty()) ? last + 1 : null;
		return new StreamEventsDescriptor(stream, Math.max(info.version(), last), events, next);
	}

	private EventDescriptor describe(RecordedEvent event) {
		JsonNode data = null;
		Map<String, Object> metadata = null;
		if (this.showPayloads && !event.isShredded()) {
			data = decode(event.rawData());
			metadata = event.hasMetadata() ? event.metadata() : null;
		}
		return new EventDescriptor(event.position(), event.version(), event.id(), event.type(), event.schemaVersion(),
				event.timestamp(), event.correlationId(), event.causationId(), event.dataSize(), data, metadata);
	}

	/** Smile is self-describing: the tree needs none of the application's classes. */
	private JsonNode decode(byte[] smileBytes) {
		try {
			return this.smile.readTree(smileBytes);
		}
		catch (JacksonException ex) {
			return JsonNodeFactory.instance
				.stringNode("(payload of " + smileBytes.length + " bytes is not valid Smile)");
		}
	}

	/**
	 * Every processor, from one snapshot.
	 * @return the processors
	 */
	public ProcessorsDescriptor processors() {
		StoreOverview overview = this.varve.overview();
		return new ProcessorsDescriptor(overview.headPosition(), describe(overview.processors()));
	}

	/**
	 * One processor and a page of its parked events, from one snapshot.
	 * @param name the processor's name
	 * @param after list parked events after this position, or null from the first
	 * @param limit the most parked events to list, or null for 100
	 * @return the processor, or null when there is none of that name
	 */
	public @Nullable ProcessorDetailDescriptor processor(String name, @Nullable Long after, @Nullable Integer limit) {
		long from = (after != null) ? after : 0;
		if (from < 0) {
			throw new InvalidEndpointRequestException("after must be 0 or more, got " + from,
					"after must be 0 or more, got " + from);
		}
		int size = limit(limit);
		ProcessorDetail detail;
		try {
			detail = this.varve.processors().detail(name, from, size);
		}
		catch (UnknownProcessorException ex) {
			return null;
		}
		List<ParkedEvent> parked = detail.parked();
		Long next = (parked.size() == size) ? parked.get(parked.size() - 1).position() : null;
		return new ProcessorDetailDescriptor(ProcessorDescriptor.of(detail.status()),
				parked.stream().map(ParkedEventDescriptor::of).toList(), next, heldStreams(name),
				this.varve.processors().rebuildStatus(name).map(RebuildDescriptor::of).orElse(null));
	}

	/** Per held-back stream, its parked event and how many events wait behind it. */
	private List<ProcessorDetailDescriptor.HeldStreamDescriptor> heldStreams(String name) {
		Map<String, long[]> streams = new LinkedHashMap<>();
		long after = 0;
		for (List<ParkedEvent> page = this.varve.processors().parked(name, after, 1000); !page
			.isEmpty(); page = this.varve.processors().parked(name, after, 1000)) {
			for (ParkedEvent entry : page) {
				long[] stream = streams.computeIfAbsent(entry.stream(), (key) -> new long[] { -1, 0 });
				if (entry.held()) {
					stream[1]++;
				}
				else if (stream[0] < 0) {
					stream[0] = entry.position();
				}
				after = entry.position();
			}
		}
		List<ProcessorDetailDescriptor.HeldStreamDescriptor> held = new ArrayList<>();
		streams.forEach((stream, figures) -> {
			if (figures[1] > 0) {
				held.add(new ProcessorDetailDescriptor.HeldStreamDescriptor(stream, figures[0], figures[1]));
			}
		});
		return held;
	}

	/**
	 * Acts on a processor.
	 * @param name the processor's name
	 * @param action the action's name
	 * @param position the position the action needs, or null
	 * @return what was done and the processor's status after it
	 * @throws InvalidEndpointRequestException if the action or position is not valid
	 * @throws io.varve.processor.UnknownProcessorException if there is no such processor
	 */
	public ProcessorActionDescriptor act(String name, @Nullable String action, @Nullable Long position) {
		ProcessorActions.Outcome outcome = this.actions.act(name, action, position);
		ProcessorStatus status = this.varve.processors().status(name);
		return new ProcessorActionDescriptor(name, outcome.action(), position, outcome.result(),
				ProcessorDescriptor.of(status));
	}

	/** In name order: registration order follows bean creation, which varies. */
	private static List<ProcessorDescriptor> describe(List<ProcessorStatus> statuses) {
		return statuses.stream()
			.sorted(Comparator.comparing(ProcessorStatus::name))
			.map(ProcessorDescriptor::of)
			.toList();
	}

	private static int limit(@Nullable Integer limit) {
		if (limit == null) {
			return DEFAULT_LIMIT;
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			String message = "limit must be between 1 and " + MAX_LIMIT + ", got " + limit;
			throw new InvalidEndpointRequestException(message, message);
		}
		return limit;
	}

	private static String join(String[] segments) {
		return String.join("/", segments);
	}

}
