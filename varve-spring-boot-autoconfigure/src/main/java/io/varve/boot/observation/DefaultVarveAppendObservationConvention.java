package io.varve.boot.observation;

import java.util.Locale;
import java.util.TreeSet;

import io.micrometer.common.KeyValues;

import io.varve.Varve;
import io.varve.VarveListener.AppendEnd;
import io.varve.VarveListener.AppendStart;

/**
 * Observation {@code varve.store.append}: low-cardinality tags {@code varve.operation}
 * ({@code append} or {@code transaction}), {@code varve.category} (the categories of the
 * streams, sorted and joined with {@code ,}) and {@code varve.outcome} ({@code success},
 * {@code conflict}, {@code error}); high-cardinality {@code varve.stream} and
 * {@code varve.events}.
 */
public class DefaultVarveAppendObservationConvention implements VarveAppendObservationConvention {

	/** The one instance. */
	public static final DefaultVarveAppendObservationConvention INSTANCE = new DefaultVarveAppendObservationConvention();

	@Override
	public String getName() {
		return "varve.store.append";
	}

	@Override
	public String getContextualName(VarveAppendContext context) {
		return context.getAppend().transaction() ? "varve transaction" : "varve append";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(VarveAppendContext context) {
		AppendStart append = context.getAppend();
		AppendEnd end = context.getEnd();
		return KeyValues.of("varve.operation", append.transaction() ? "transaction" : "append", "varve.category",
				categories(append), "varve.outcome",
				(end != null) ? end.outcome().name().toLowerCase(Locale.ROOT) : "unknown");
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(VarveAppendContext context) {
		AppendStart append = context.getAppend();
		return KeyValues.of("varve.stream", String.join(",", append.streams()), "varve.events",
				String.valueOf(append.events()));
	}

	private static String categories(AppendStart append) {
		TreeSet<String> categories = new TreeSet<>();
		for (String stream : append.streams()) {
			categories.add((stream != null) ? Varve.categoryOf(stream) : "none");
		}
		return categories.isEmpty() ? "none" : String.join(",", categories);
	}

}
