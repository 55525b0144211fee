package io.varve.boot.actuate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.varve.StoreInfo;
import io.varve.StoreOverview;
import io.varve.Varve;
import io.varve.processor.ProcessorError;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;

/**
 * The {@code varve} health contributor. UP with the head position and map usage; DOWN
 * when the store is closed or cannot be read, when it no longer takes appends (its writer
 * thread stopped on an unexpected error: open it again), when a watched processor is
 * {@link ProcessorState#FAILED FAILED}, {@link ProcessorState#STALLED STALLED} or
 * {@link ProcessorState#RETRYING RETRYING}, or when the share of the maximum map size in
 * use passes a threshold. A processor that is behind but moving is CATCHING_UP and stays
 * UP: behind is not stuck.
 *
 * <p>
 * RETRYING is DOWN from its first failed commit, not just a detail: its commits fail on
 * storage (a full disk, a store at its maximum size), which fails appends too, and its
 * projections and {@code awaitProcessed} callers fall behind until someone frees space.
 * The processor goes on by itself once a commit succeeds, and the health is UP again.
 *
 * <pre>{@code
 * {"status": "DOWN", "details": {"headPosition": 120, "mapUsage": 0.01, "capacityUsage": 0.0004,
 *   "processors": {"balances": "RUNNING", "mailer": "FAILED"},
 *   "problems": ["processor 'mailer' is FAILED: at position 97: SMTP server refused"]}}
 * }</pre>
 */
public class VarveHealthIndicator extends AbstractHealthIndicator {

	private final Varve varve;

	private final Set<String> watched;

	private final double maxCapacityUsage;

	/**
	 * Creates the indicator.
	 * @param varve the store
	 * @param watched the processors whose state counts, or empty for every processor
	 * @param maxCapacityUsage the share of the maximum map size in use above which the
	 * store is DOWN, from 0 to 1
	 */
	public VarveHealthIndicator(Varve varve, List<String> watched, double maxCapacityUsage) {
		super("Varve health check failed");
		this.varve = varve;
		this.watched = new LinkedHashSet<>(watched);
		this.maxCapacityUsage = maxCapacityUsage;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (!this.varve.isOpen()) {
			builder.down().withDetail("path", String.valueOf(this.varve.path())).withDetail("error", "store closed");
			return;
		}
		StoreOverview overview = this.varve.overview();
		report(builder, overview.headPosition(), overview.storeInfo(), overview.processors());
	}

	private void report(Health.Builder builder, long head, StoreInfo info, List<ProcessorStatus> statuses) {
		List<String> problems = new ArrayList<>();
		Map<String, String> states = new TreeMap<>();
		Set<String> missing = new LinkedHashSet<>(this.watched);
		for (ProcessorStatus status : statuses) {
			states.put(status.name(), status.state().name());
			missing.remove(status.name());
			if (counts(status.name()) && isDown(status.state())) {
				problems.add(describe(status));
			}
		}
		for (String name : missing) {
			problems.add("processor '" + name + "' is watched (management.health.varve.processors) but not registered");
		}
		if (info.writeFailure() != null) {
			problems.add("appends fail: " + info.writeFailure());
		}
		if (info.capacityUsage() > this.maxCapacityUsage) {
			problems.add(String.format(Locale.ROOT,
					"%.1f%% of the maximum map size is in use, above the %.1f%% threshold "
							+ "(management.health.varve.max-capacity-usage); raise varve.max-map-size or free space",
					info.capacityUsage() * 100, this.maxCapacityUsage * 100));
		}
		builder.status(problems.isEmpty() ? Status.UP : Status.DOWN);
		builder.withDetail("headPosition", head)
			.withDetail("mapUsage", info.mapUsage())
			.withDetail("capacityUsage", info.capacityUsage())
			.withDetail("processors", states);
		if (!problems.isEmpty()) {
			builder.withDetail("problems", problems);
		}
	}

	private boolean counts(String processor) {
		return this.watched.isEmpty() || this.watched.contains(processor);
	}

	private static boolean isDown(ProcessorState state) {
		return state == ProcessorState.FAILED || state == ProcessorState.STALLED || state == ProcessorState.RETRYING;
	}

	private static String describe(ProcessorStatus status) {
		String text = "processor '" + status.name() + "' is " + status.state();
		if (status.state() == ProcessorState.STALLED) {
			return text + ": " + status.lag() + " events behind and its checkpoint (" + status.checkpoint()
					+ ") has not moved for its stall timeout";
		}
		ProcessorError error = status.lastError();
		if (error != null) {
			text += ": " + ((error.position() > 0) ? "at position " + error.position() + ": " : "")
					+ ErrorMessages.shown(error.errorType(), error.message());
		}
		return text;
	}

}
