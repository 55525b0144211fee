package io.varve.core.codec;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.SerializableString;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.sym.PropertyNameMatcher;
import tools.jackson.core.util.JsonParserDelegate;

/**
 * A parser that refuses data ending inside an object or array.
 * <p>
 * Smile has an end-of-content marker ({@code 0xFF}); the Smile parser reports it as the
 * end of input even when an object or array is still open, and Jackson's databind can
 * then loop for ever over the incomplete object (seen with a record bound through its
 * constructor). A damaged stored payload must fail, not hang its reader, so every token
 * step checks that the input did not end inside a structure.
 */
final class EndCheckingParser extends JsonParserDelegate {

	EndCheckingParser(JsonParser delegate) {
		super(delegate);
	}

	@Override
	public JsonToken nextToken() {
		return checked(this.delegate.nextToken());
	}

	@Override
	public JsonToken nextValue() {
		return checked(this.delegate.nextValue());
	}

	@Override
	public String nextName() {
		String name = this.delegate.nextName();
		if (name == null) {
			checked(this.delegate.currentToken());
		}
		return name;
	}

	@Override
	public boolean nextName(SerializableString expected) {
		boolean matched = this.delegate.nextName(expected);
		if (!matched) {
			checked(this.delegate.currentToken());
		}
		return matched;
	}

	@Override
	public int nextNameMatch(PropertyNameMatcher matcher) {
		int match = this.delegate.nextNameMatch(matcher);
		if (match < 0) {
			checked(this.delegate.currentToken());
		}
		return match;
	}

	private JsonToken checked(JsonToken token) {
		if (token == null && !this.delegate.streamReadContext().inRoot()) {
			throw new StreamReadException(this.delegate, "Data ends inside an unfinished object or array");
		}
		return token;
	}

}
