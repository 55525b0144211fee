package io.varve.boot.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code varve} health contributor. The contributor itself is switched
 * with {@code management.health.varve.enabled}, like Spring Boot's own.
 */
@ConfigurationProperties("management.health.varve")
public class VarveHealthProperties {

	/**
	 * Names of the processors whose FAILED, STALLED or RETRYING state makes the health
	 * DOWN; a watched name that is not registered is DOWN too. Empty (the default)
	 * watches every processor.
	 */
	private List<String> processors = new ArrayList<>();

	/**
	 * Share of the maximum map size (varve.max-map-size) in use, from 0 to 1, above which
	 * the health is DOWN.
	 */
	private double maxCapacityUsage = 0.9;

	public List<String> getProcessors() {
		return this.processors;
	}

	public void setProcessors(List<String> processors) {
		this.processors = processors;
	}

	public double getMaxCapacityUsage() {
		return this.maxCapacityUsage;
	}

	public void setMaxCapacityUsage(double maxCapacityUsage) {
		this.maxCapacityUsage = maxCapacityUsage;
	}

}
