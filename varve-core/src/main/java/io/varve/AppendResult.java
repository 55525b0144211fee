package io.varve;

/**
 * The outcome of an append to one stream.
 *
 * <pre>{@code
 * AppendResult result = varve.append("account-42", ExpectedVersion.noStream(), new Opened("alice"));
 * result.version();      // 1: the stream's new version
 * result.lastPosition(); // global position, e.g. for processors.awaitProcessed(...)
 * }</pre>
 *
 * @param stream the stream appended to
 * @param firstPosition global position of the first event appended
 * @param lastPosition global position of the last event appended
 * @param version the stream's version after the append (its event count)
 */
public record AppendResult(String stream, long firstPosition, long lastPosition, long version) {

}
