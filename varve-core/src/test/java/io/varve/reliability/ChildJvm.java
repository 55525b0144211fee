package io.varve.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A second JVM running one of the test's main classes, with the test's own class path,
 * talking through lines on stdin and stdout. Used to kill a writer with SIGKILL, to hold
 * a store from another process, and to read a store another process writes.
 */
final class ChildJvm implements AutoCloseable {

	private static final String END = "\u0000end";

	/** What {@link #poll} gives once the child has ended. */
	static final String ENDED = "(ended)";

	private final Process process;

	private final PrintWriter stdin;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private final List<String> seen = Collections.synchronizedList(new ArrayList<>());

	private final Path stderr;

	private final Thread pump;

	private ChildJvm(Process process, Path stderr) {
		this.process = process;
		this.stderr = stderr;
		this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
		this.pump = new Thread(this::pump, "child-stdout-" + process.pid());
		this.pump.setDaemon(true);
		this.pump.start();
	}

	/**
	 * Starts {@code main} in a new JVM.
	 * @param main the class with the main method
	 * @param logDirectory where to keep the child's stderr
	 * @param args its arguments
	 * @return the running child
	 */
	static ChildJvm start(Class<?> main, Path logDirectory, String... args) throws IOException {
		return start(main, logDirectory, List.of(), args);
	}

	/**
	 * Starts {@code main} in a new JVM with options of its own.
	 * @param main the class with the main method
	 * @param logDirectory where to keep the child's stderr
	 * @param jvmOptions options before the class name, such as {@code -Xmx64m}
	 * @param args its arguments
	 * @return the running child
	 */
	static ChildJvm start(Class<?> main, Path logDirectory, List<String> jvmOptions, String... args)
			throws IOException {
		return start(List.of(), System.getProperty("java.class.path"), main, logDirectory, jvmOptions, args);
	}

	/**
	 * Starts {@code main} in a new JVM through a launcher, such as a shell that sets the
	 * umask or {@code setpriv} to run as another user.
	 * @param launcher the command before {@code java}, and its arguments
	 * @param classPath the class path
	 * @param main the class with the main method
	 * @param logDirectory where to keep the child's stderr
	 * @param jvmOptions options before the class name
	 * @param args its arguments
	 * @return the running child
	 */
	static ChildJvm start(List<String> launcher, String classPath, Class<?> main, Path logDirectory,
			List<String> jvmOptions, String... args) throws IOException {
		List<String> command = new ArrayList<>(launcher);
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classPath);
		command.add(main.getName());
		command.addAll(List.of(args));
		Files.createDirectories(logDirectory);
		Path stderr = Files.createTempFile(logDirectory, main.getSimpleName(), ".stderr");
		Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
		return new ChildJvm(process, stderr);
	}

	private void pump() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.seen.add(line);
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// The child died; the lines read so far stand.
		}
		finally {
			this.lines.add(END);
		}
	}

	long pid() {
		return this.process.pid();
	}

	/** Sends a command line to the child. */
	void send(String line) {
		this.stdin.println(line);
	}

	/**
	 * Waits for the next line that matches, skipping others.
	 * @param matching what to wait for
	 * @param timeout how long to wait
	 * @return the line
	 * @throws AssertionError if the child ends or the time runs out first
	 */
	String await(Predicate<String> matching, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			long left = deadline - System.nanoTime();
			String line = (left > 0) ? this.lines.poll(left, TimeUnit.NANOSECONDS) : null;
			if (line == null) {
				throw new AssertionError("Child " + pid() + " did not answer within " + timeout + describe());
			}
			if (line == END) {
				this.lines.add(END);
				throw new AssertionError("Child " + pid() + " ended before answering" + describe());
			}
			if (matching.test(line)) {
				return line;
			}
		}
	}

	/**
	 * The next line, without judging it.
	 * @param timeout how long to wait
	 * @return the line, {@link #ENDED} once the child ended and every line was read, or
	 * null when the time ran out
	 */
	String poll(Duration timeout) throws InterruptedException {
		String line = this.lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
		if (line == END) {
			this.lines.add(END);
			return ENDED;
		}
		return line;
	}

	/**
	 * Waits for a line starting with a prefix. A {@code FAILED} answer, unless that is
	 * what is awaited, fails the test at once with the child's reason.
	 */
	String await(String prefix, Duration timeout) throws InterruptedException {
		String line = await((answer) -> answer.startsWith(prefix) || answer.startsWith("FAILED "), timeout);
		if (!line.startsWith(prefix)) {
			throw new AssertionError(
					"Child " + pid() + " answered '" + line + "' while " + prefix + " was awaited" + describe());
		}
		return line;
	}

	/** Kills the child with SIGKILL and waits until it is gone and its output read. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor();
		this.pump.join(TimeUnit.SECONDS.toMillis(30));
	}

	/** Waits for the child to exit by itself. */
	int waitFor(Duration timeout) throws InterruptedException {
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new AssertionError("Child " + pid() + " did not exit within " + timeout + describe());
		}
		this.pump.join(TimeUnit.SECONDS.toMillis(30));
		return this.process.exitValue();
	}

	/** Every complete line the child printed so far. */
	List<String> lines() {
		synchronized (this.seen) {
			return new ArrayList<>(this.seen);
		}
	}

	String describe() {
		String errors;
		try {
			errors = Files.readString(this.stderr);
		}
		catch (IOException ex) {
			errors = "(stderr unreadable: " + ex + ")";
		}
		List<String> out = lines();
		List<String> tail = out.subList(Math.max(0, out.size() - 5), out.size());
		return "; last stdout lines " + tail + "; stderr: " + errors;
	}

	@Override
	public void close() throws InterruptedException {
		this.stdin.close();
		if (this.process.isAlive()) {
			kill();
		}
	}

}
