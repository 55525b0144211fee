package io.varve.kafka;

/** What a forwarded record's value holds. */
public enum ValueFormat {

	/**
	 * The payload's Smile bytes as stored (the default): exact, compact, and what a
	 * {@link KafkaReplica} needs. Decode with Jackson's Smile module.
	 */
	SMILE("application/x-jackson-smile"),

	/**
	 * The payload as JSON text, converted from the stored Smile tree without the
	 * application's classes: for consumers in other languages.
	 */
	JSON("application/json");

	private final String contentType;

	ValueFormat(String contentType) {
		this.contentType = contentType;
	}

	/** The content type written to the {@link ForwardedHeaders#CONTENT_TYPE} header. */
	public String contentType() {
		return this.contentType;
	}

}
