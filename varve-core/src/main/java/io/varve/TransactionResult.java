package io.varve;

import java.util.List;

/**
 * The outcome of an atomic append to several streams with
 * {@link Varve#transaction(StreamAppend...)}.
 *
 * @param results one result per stream, in the order given
 * @param firstPosition global position of the first event written
 * @param lastPosition global position of the last event written
 */
public record TransactionResult(List<AppendResult> results, long firstPosition, long lastPosition) {

	public TransactionResult {
		results = List.copyOf(results);
	}

	/**
	 * The result for one stream.
	 * @param stream the stream name
	 * @return its result
	 * @throws InvalidArgumentException if the transaction did not write to that stream
	 */
	public AppendResult result(String stream) {
		for (AppendResult result : this.results) {
			if (result.stream().equals(stream)) {
				return result;
			}
		}
		throw new InvalidArgumentException("This transaction did not append to stream '" + stream + "'");
	}

}
