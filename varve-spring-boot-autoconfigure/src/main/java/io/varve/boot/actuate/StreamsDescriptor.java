package io.varve.boot.actuate;

import java.util.List;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

import io.varve.StreamInfo;

/**
 * A page of streams in name order, returned by {@code GET /actuator/varve/streams}.
 *
 * @param prefix the name prefix the streams were filtered by ({@code ""} for all); a
 * category's streams have the prefix {@code category-}
 * @param streams the streams with their heads
 * @param next the name to pass as {@code after} for the next page, or null when this page
 * is the last
 */
public record StreamsDescriptor(String prefix, List<StreamHeadDescriptor> streams,
		String next) implements OperationResponseBody {

	/**
	 * A stream's head.
	 *
	 * @param name the stream's name
	 * @param version its version, which is also its event count
	 * @param lastPosition global position of its last event
	 */
	public record StreamHeadDescriptor(String name, long version, long lastPosition) {

		static StreamHeadDescriptor of(StreamInfo info) {
			return new StreamHeadDescriptor(info.stream(), info.version(), info.lastPosition());
		}

	}

}
