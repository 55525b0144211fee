package io.varve.test.slice;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.autoconfigure.SpringBootApplication;

import io.varve.EventType;
import io.varve.processor.ProjectionStore;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;

/**
 * An application as a user writes one: two processors, and ({@link Unrelated}) a
 * component that has nothing to do with Varve, which the slice leaves out.
 */
@SpringBootApplication
public class SliceApplication {

	@EventType("credited")
	public record Credited(long amount) {
	}

	@VarveProcessor(name = "balances", categories = "account")
	public static class Balances {

		@VarveHandler
		void on(Credited credited, io.varve.RecordedEvent event, ProjectionStore store) {
			long balance = store.get("balances", event.stream(), Long.class).orElse(0L);
			store.put("balances", event.stream(), balance + credited.amount());
		}

	}

	@VarveProcessor(name = "audit")
	public static class Audit {

		final List<Object> seen = new CopyOnWriteArrayList<>();

		@VarveHandler
		void on(Credited credited) {
			this.seen.add(credited);
		}

	}

}
