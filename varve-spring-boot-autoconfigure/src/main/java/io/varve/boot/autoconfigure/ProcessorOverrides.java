package io.varve.boot.autoconfigure;

import java.time.Duration;

import io.varve.processor.ErrorPolicy;
import io.varve.processor.StartPosition;

/**
 * Per-processor settings bound from {@code varve.processor.<name>.*}; each one that is
 * set overrides the {@link io.varve.boot.VarveProcessor @VarveProcessor} attribute. The
 * name matches loosely, as Spring Boot property names do: {@code accountBalances},
 * {@code account-balances} and {@code ACCOUNT_BALANCES} are the same.
 */
public class ProcessorOverrides {

	/**
	 * Whether to start this processor with the application.
	 */
	private Boolean enabled;

	/**
	 * Most events handled per transaction.
	 */
	private Integer batchSize;

	/**
	 * Where the processor starts when it has no checkpoint yet.
	 */
	private StartPosition startPosition;

	/**
	 * What happens to an event whose handler still fails after the retries: 'stop' or
	 * 'park'.
	 */
	private ErrorPolicy errorPolicy;

	/**
	 * Total attempts at a failing event (1 means no retry).
	 */
	private Integer maxAttempts;

	/**
	 * Wait before the first retry.
	 */
	private Duration initialBackoff;

	/**
	 * Longest wait between retries.
	 */
	private Duration maxBackoff;

	/**
	 * Growth of the wait per retry.
	 */
	private Double backoffMultiplier;

	/**
	 * Time without progress, while behind, after which the processor is STALLED.
	 */
	private Duration stallTimeout;

	/**
	 * Most events held back behind parked events under the 'park-stream' error policy;
	 * one more stops the processor.
	 */
	private Integer maxHeldEvents;

	/**
	 * Threads that handle each batch's events side by side, split by stream.
	 */
	private Integer concurrency;

	public Integer getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(Integer concurrency) {
		this.concurrency = concurrency;
	}

	public Integer getMaxHeldEvents() {
		return this.maxHeldEvents;
	}

	public void setMaxHeldEvents(Integer maxHeldEvents) {
		this.maxHeldEvents = maxHeldEvents;
	}

	public Boolean getEnabled() {
		return this.enabled;
	}

	public void setEnabled(Boolean enabled) {
		this.enabled = enabled;
	}

	public Integer getBatchSize() {
		return this.batchSize;
	}

	public void setBatchSize(Integer batchSize) {
		this.batchSize = batchSize;
	}

	public StartPosition getStartPosition() {
		return this.startPosition;
	}

	public void setStartPosition(StartPosition startPosition) {
		this.startPosition = startPosition;
	}

	public ErrorPolicy getErrorPolicy() {
		return this.errorPolicy;
	}

	public void setErrorPolicy(ErrorPolicy errorPolicy) {
		this.errorPolicy = errorPolicy;
	}

	public Integer getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(Integer maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Duration getInitialBackoff() {
		return this.initialBackoff;
	}

	public void setInitialBackoff(Duration initialBackoff) {
		this.initialBackoff = initialBackoff;
	}

	public Duration getMaxBackoff() {
		return this.maxBackoff;
	}

	public void setMaxBackoff(Duration maxBackoff) {
		this.maxBackoff = maxBackoff;
	}

	public Double getBackoffMultiplier() {
		return this.backoffMultiplier;
	}

	public void setBackoffMultiplier(Double backoffMultiplier) {
		this.backoffMultiplier = backoffMultiplier;
	}

	public Duration getStallTimeout() {
		return this.stallTimeout;
	}

	public void setStallTimeout(Duration stallTimeout) {
		this.stallTimeout = stallTimeout;
	}

}
