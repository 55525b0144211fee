package io.varve.core.retention;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.varve.DeleteResult;
import io.varve.RetentionPolicy;
import io.varve.RetentionStatus;
import io.varve.StreamDeletedException;
import io.varve.VarveClosedException;
import io.varve.WrongExpectedVersionException;
import io.varve.core.codec.Envelope;
import io.varve.core.storage.Keys;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StreamRecord;

/**
 * Applies the retention policies: a pass looks at every stream a policy covers and
 * deletes its events past the policy, as {@code truncateBefore} does, at most
 * {@link #STEP} events per transaction, so that no deletion holds the writer for long and
 * appends go on between them. Passes run on a thread of their own every interval, or on
 * the caller's thread when asked ({@link #runPass()}); one at a time.
 */
public final class RetentionTask implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(RetentionTask.class.getName());

	/** The most events one deletion transaction takes. */
	public static final int STEP = 500;

	/**
	 * After each step the task rests this many times as long as the step took, so that
	 * retention takes at most about a tenth of the writer's time and appends keep the
	 * rest.
	 */
	static final int REST_FACTOR = 9;

	/** Streams read per snapshot while listing a category. */
	private static final int LIST_CHUNK = 1_000;

	private final Map<String, RetentionPolicy> policies;

	private final Function<Function<ReadTxn, Object>, Object> reads;

	private final Truncator truncator;

	private final Clock clock;

	private final Duration interval;

	private final String storeName;

	/** One pass at a time. */
	private final ReentrantLock passLock = new ReentrantLock();

	private final ReentrantLock waitLock = new ReentrantLock();

	private final Condition wake = this.waitLock.newCondition();

	private volatile boolean stopping;

	private @Nullable Thread thread;

	private volatile boolean running;

	private volatile long passes;

	private volatile @Nullable Instant lastStarted;

	private volatile @Nullable Instant lastFinished;

	private volatile long streamsExamined;

	private volatile long eventsDeleted;

	private volatile long deletedInPass;

	private volatile @Nullable String lastError;

	/**
	 * @param policies the policies by category (a name without '-') or stream name
	 * @param reads runs a function in one read snapshot of the store
	 * @param truncator deletes a stream's events before a version
	 * @param clock the store's clock (event timestamps come from it)
	 * @param interval how often a pass runs
	 * @param storeName the store's name, for the thread and messages
	 */
	@SuppressWarnings("unchecked")
	public <T> RetentionTask(Map<String, RetentionPolicy> policies, Function<Function<ReadTxn, T>, T> reads,
			Truncator truncator, Clock clock, Duration interval, String storeName) {
		this.policies = new TreeMap<>(policies);
		this.reads = (Function<Function<ReadTxn, Object>, Object>) (Function<?, ?>) reads;
		this.truncator = truncator;
		this.clock = clock;
		this.interval = interval;
		this.storeName = storeName;
	}

	/** Starts the background passes. */
	public void start() {
		Thread started = new Thread(this::loop, "varve-retention-" + this.storeName);
		started.setDaemon(true);
		this.thread = started;
		started.start();
	}

	/**
	 * Runs one pass now, on this thread, after a running one ends.
	 * @return the status after it
	 */
	public RetentionStatus runPass() {
		this.passLock.lock();
		try {
			pass();
		}
		finally {
			this.passLock.unlock();
		}
		return status();
	}

	/** What retention has done. */
	public RetentionStatus status() {
		return new RetentionStatus(Map.copyOf(this.policies), this.running, this.passes, this.lastStarted,
				this.lastFinished, this.streamsExamined, this.eventsDeleted, this.deletedInPass, this.lastError);
	}

	private void loop() {
		while (!this.stopping) {
			this.waitLock.lock();
			try {
				if (this.stopping) {
					return;
				}
				// The interval is the schedule, not a wait for anything.
				this.wake.awaitNanos(this.interval.toNanos());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			finally {
				this.waitLock.unlock();
			}
			if (this.stopping) {
				return;
			}
			this.passLock.lock();
			try {
				pass();
			}
			catch (VarveClosedException ex) {
				return;
			}
			finally {
				this.passLock.unlock();
			}
		}
	}

	private void pass() {
		this.running = true;
		this.lastStarted = this.clock.instant();
		this.deletedInPass = 0;
		String error = null;
		try {
			for (Map.Entry<String, RetentionPolicy> entry : this.policies.entrySet()) {
				if (this.stopping) {
					break;
				}
				String name = entry.getKey();
				if (name.indexOf('-') >= 0) {
					examine(name, entry.getValue());
				}
				else {
					examineCategory(name, entry.getValue());
				}
			}
		}
		catch (VarveClosedException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			error = ex.toString();
			LOG.log(Level.WARNING, "A retention pass of Varve store " + this.storeName + " failed; the next pass "
					+ "goes on from where it stopped", ex);
		}
		finally {
			this.lastError = error;
			this.lastFinished = this.clock.instant();
			this.passes++;
			this.running = false;
		}
	}

	private void examineCategory(String category, RetentionPolicy policy) {
		byte[] exact = category.getBytes(StandardCharsets.UTF_8);
		byte[] prefix = (category + "-").getBytes(StandardCharsets.UTF_8);
		byte[] from = exact;
		while (!this.stopping) {
			List<String> names = listChunk(from, exact, prefix);
			for (String name : names) {
				if (this.stopping) {
					return;
				}
				// A stream's own policy takes the place of its category's.
				if (name.equals(category) || !this.policies.containsKey(name)) {
					examine(name, policy);
				}
			}
			if (names.size() < LIST_CHUNK) {
				return;
			}
			// Past the last name listed.
			byte[] last = names.get(names.size() - 1).getBytes(StandardCharsets.UTF_8);
			from = new byte[last.length + 1];
			System.arraycopy(last, 0, from, 0, last.length);
		}
	}

	private List<String> listChunk(byte[] from, byte[] exact, byte[] prefix) {
		List<String> names = new ArrayList<>();
		this.reads.apply((txn) -> {
			txn.scanStreams(from, (key, value) -> {
				boolean isExact = key.capacity() == exact.length && Keys.startsWith(key, exact);
				if (!isExact && !Keys.startsWith(key, prefix)) {
					// Names sort by bytes: past the category's streams.
					return key.capacity() >= exact.length && Keys.startsWith(key, exact)
							&& key.getByte(exact.length) < '-';
				}
				names.add(key.getStringWithoutLengthUtf8(0, key.capacity()));
				return names.size() < LIST_CHUNK;
			});
			return null;
		});
		return names;
	}

	/** Deletes one stream's events past the policy, a step at a time. */
	private void examine(String stream, RetentionPolicy policy) {
		this.streamsExamined++;
		byte[] name = stream.getBytes(StandardCharsets.UTF_8);
		while (!this.stopping) {
			long[] step = (long[]) this.reads.apply((txn) -> nextStep(txn, name, policy));
			if (step == null) {
				return;
			}
			DeleteResult result;
			long started = System.nanoTime();
			try {
				result = join(this.truncator.truncateBefore(stream, step[0]));
			}
			catch (StreamDeletedException | WrongExpectedVersionException ex) {
				// Deleted meanwhile: nothing left to keep short.
				return;
			}
			this.deletedInPass += result.deletedCount();
			this.eventsDeleted += result.deletedCount();
			if (step[1] == 1) {
				return;
			}
			rest((System.nanoTime() - started) * REST_FACTOR);
		}
	}

	/** Leaves the writer to appends for a while (woken early by close). */
	private void rest(long nanos) {
		this.waitLock.lock();
		try {
			long left = nanos;
			while (left > 0 && !this.stopping) {
				left = this.wake.awaitNanos(left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.stopping = true;
		}
		finally {
			this.waitLock.unlock();
		}
	}

	/**
	 * The version to truncate before in this step, and 1 when that is the policy's whole
	 * cut (else another step follows); null when nothing is to go.
	 */
	private long @Nullable [] nextStep(ReadTxn txn, byte[] name, RetentionPolicy policy) {
		StreamRecord record = txn.stream(name);
		if (record == null || record.liveCount() == 0) {
			return null;
		}
		long first = record.firstVersion();
		long limit = first + STEP;
		long cut = first;
		if (policy.maxCount() > 0) {
			cut = Math.max(cut, record.version() - policy.maxCount() + 1);
		}
		if (policy.maxAge() != null && cut < limit) {
			Instant now = this.clock.instant();
			Instant oldest = now.minus(policy.maxAge());
			long cutoffMicros = Math.multiplyExact(oldest.getEpochSecond(), 1_000_000L) + oldest.getNano() / 1000;
			long[] ageCut = { first };
			// A stream's timestamps never go back: its events older than the cutoff come
			// first.
			txn.scanStream(name, record, first, true, (position, envelope) -> {
				if (Envelope.timestampMicros(envelope) >= cutoffMicros) {
					return false;
				}
				ageCut[0] = Envelope.version(envelope) + 1;
				return ageCut[0] < limit;
			});
			cut = Math.max(cut, ageCut[0]);
		}
		if (cut <= first) {
			return null;
		}
		long target = Math.min(cut, limit);
		return new long[] { target, (target == cut && cut < limit) ? 1 : 0 };
	}

	private static DeleteResult join(CompletableFuture<DeleteResult> future) {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw ex;
		}
	}

	/** Stops the background passes, waiting for a running one to end its step. */
	@Override
	public void close() {
		this.stopping = true;
		this.waitLock.lock();
		try {
			this.wake.signalAll();
		}
		finally {
			this.waitLock.unlock();
		}
		Thread started = this.thread;
		if (started != null && started != Thread.currentThread()) {
			try {
				started.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Deletes a stream's events before a version. */
	@FunctionalInterface
	public interface Truncator {

		/**
		 * @param stream the stream
		 * @param version the first version kept
		 * @return the result, when committed
		 */
		CompletableFuture<DeleteResult> truncateBefore(String stream, long version);

	}

}
