package io.varve.core.processor;

import io.varve.processor.ProcessorContext;
import io.varve.processor.ProjectionStore;

/** The context handed to a handler: one per batch, its attempt number set per call. */
final class HandlerContext implements ProcessorContext {

	private final String name;

	private final ProjectionStore projections;

	private int attempt = 1;

	HandlerContext(String name, ProjectionStore projections) {
		this.name = name;
		this.projections = projections;
	}

	@Override
	public String processorName() {
		return this.name;
	}

	@Override
	public ProjectionStore projections() {
		return this.projections;
	}

	@Override
	public int attempt() {
		return this.attempt;
	}

	void attempt(int attempt) {
		this.attempt = attempt;
	}

}
