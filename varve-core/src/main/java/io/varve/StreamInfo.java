package io.varve;

import java.time.Instant;

/**
 * What Varve knows about one stream without reading its events.
 *
 * <pre>{@code
 * varve.streamInfo("account-42").ifPresent(info -> System.out.println(info.version()));
 * }</pre>
 *
 * @param stream the stream name
 * @param version the stream's version, which is also its event count
 * @param firstPosition global position of its first event
 * @param lastPosition global position of its last event
 * @param createdAt time of its first event
 * @param updatedAt time of its last event
 */
public record StreamInfo(String stream, long version, long firstPosition, long lastPosition, Instant createdAt,
		Instant updatedAt) {

	/** The stream's category: the part of its name before the first {@code -}. */
	public String category() {
		return Varve.categoryOf(this.stream);
	}

}
