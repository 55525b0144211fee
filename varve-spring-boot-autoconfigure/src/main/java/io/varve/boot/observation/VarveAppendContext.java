package io.varve.boot.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.micrometer.observation.transport.SenderContext;

import io.varve.VarveListener.AppendEnd;
import io.varve.VarveListener.AppendStart;

/**
 * The context of an append's observation. Its carrier is the metadata Varve adds to every
 * event of the append: a tracing handler injects the trace context there, and the
 * processors that handle the events continue that trace.
 */
public class VarveAppendContext extends SenderContext<Map<String, String>> {

	private final AppendStart append;

	private @Nullable AppendEnd end;

	/**
	 * Creates the context of an append.
	 * @param append what is appended
	 */
	public VarveAppendContext(AppendStart append) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		});
		this.append = append;
		setCarrier(new LinkedHashMap<>());
		setRemoteServiceName("varve");
	}

	/** What is appended. */
	public AppendStart getAppend() {
		return this.append;
	}

	/** How the append ended, or null while it runs. */
	public @Nullable AppendEnd getEnd() {
		return this.end;
	}

	void setEnd(AppendEnd end) {
		this.end = end;
	}

}
