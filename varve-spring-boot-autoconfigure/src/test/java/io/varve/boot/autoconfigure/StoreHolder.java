package io.varve.boot.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.varve.Varve;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another process that holds a store open, as the owner of a store does, until it is
 * closed: a child JVM on the test's class path running {@link #main}.
 */
public final class StoreHolder implements AutoCloseable {

	private final Process process;

	private StoreHolder(Process process) {
		this.process = process;
	}

	/**
	 * Starts a child JVM that opens a store, and returns once it has.
	 * @param store the store directory
	 * @param logDirectory where to keep the child's stderr
	 * @return the holder
	 */
	public static StoreHolder hold(Path store, Path logDirectory) throws IOException {
		Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), StoreHolder.class.getName(), store.toString())
			.redirectError(logDirectory.resolve("store-holder.stderr").toFile())
			.start();
		StoreHolder holder = new StoreHolder(process);
		String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
			.readLine();
		if (!"open".equals(line)) {
			holder.close();
		}
		assertThat(line).as("the child JVM has the store open").isEqualTo("open");
		return holder;
	}

	/** The child's process id. */
	public long pid() {
		return this.process.pid();
	}

	/** Closes the store in the child and waits for it to end. */
	@Override
	public void close() {
		try {
			this.process.getOutputStream().close();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (IOException | InterruptedException ex) {
			this.process.destroyForcibly();
		}
	}

	public static void main(String[] args) throws IOException {
		try (Varve varve = Varve.open(Path.of(args[0]))) {
			System.out.println("open");
			System.out.flush();
			while (System.in.read() >= 0) {
				// Wait for the test to close stdin.
			}
		}
	}

}
