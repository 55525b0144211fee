package io.varve.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.varve.EncryptionException;
import io.varve.StorageException;
import io.varve.Varve;
import io.varve.VarveBuilder;
import io.varve.VarveException;
import io.varve.crypto.Encryption;
import io.varve.crypto.KeyProvider;
import io.varve.crypto.LocalKeyProvider;

/**
 * The {@code varve} command: looks at a store directory, read-only unless a command says
 * otherwise, while its application runs (a read-only open beside the writer) or when it
 * is stopped. Payloads print as JSON decoded from Smile, without the application's
 * classes.
 *
 * <p>
 * Exit codes: 0 done; 1 {@code verify} found breaches; 2 a usage error; 3 the store
 * cannot be opened or read; 4 what was asked for does not exist (stream, event,
 * processor); 5 an import was refused (the target is not empty, or a line is malformed),
 * nothing written.
 */
@Command(name = "varve", mixinStandardHelpOptions = true, version = "varve 0.1.0",
		description = "Looks at a Varve store: read-only, beside its running application or stopped.",
		subcommands = { Commands.Info.class, Commands.Streams.class, Commands.Read.class, Commands.Tail.class,
				Commands.Event.class, Commands.Processors.class, Commands.Parked.class, Commands.Backup.class,
				Commands.Verify.class, Transfer.Export.class, Transfer.Import.class })
public final class VarveCli {

	/** Done. */
	public static final int OK = 0;

	/** {@code verify} found breaches. */
	public static final int BREACHES = 1;

	/** A usage error (picocli's own code). */
	public static final int USAGE = 2;

	/** The store cannot be opened or read. */
	public static final int STORE = 3;

	/** What was asked for does not exist. */
	public static final int NOT_FOUND = 4;

	/** An import was refused; nothing was written. */
	public static final int REFUSED = 5;

	/**
	 * Runs the command.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
	}

	/**
	 * Runs the command with its output going to the given writers.
	 * @param out standard output
	 * @param err standard error
	 * @param args the arguments
	 * @return the exit code
	 */
	public static int run(PrintWriter out, PrintWriter err, String... args) {
		CommandLine line = new CommandLine(new VarveCli());
		line.setOut(out);
		line.setErr(err);
		line.setExecutionExceptionHandler((ex, commandLine, parsed) -> {
			Failure failure = Failure.of(ex);
			commandLine.getErr().println("varve: " + failure.message());
			if (parsed.hasMatchedOption("--verbose")) {
				ex.printStackTrace(commandLine.getErr());
			}
			return failure.code();
		});
		int code = line.execute(args);
		out.flush();
		err.flush();
		return code;
	}

	/** The options every command that reads a store takes. */
	static class StoreOptions {

		/**
		 * The variable Spring Boot binds to varve.encryption.master-key, read here too.
		 */
		static final String MASTER_KEY_VARIABLE = "VARVE_ENCRYPTION_MASTER_KEY";

		@Option(names = { "-s", "--store" }, required = true, paramLabel = "DIR",
				description = "The store directory (the application's varve.path).")
		Path store;

		@Option(names = { "-o", "--output" }, defaultValue = "table", paramLabel = "FORMAT",
				description = "table (fits 80 columns) or json (one JSON document per line).")
		Format output;

		@Option(names = "--verbose", description = "On an error, print its stack trace too.")
		boolean verbose;

		@Option(names = "--key-store", paramLabel = "FILE",
				description = "For an encrypted store: its key store (the application's varve.encryption.key-store-path).")
		Path keyStore;

		@Option(names = "--master-key-file", paramLabel = "FILE",
				description = "For an encrypted store: the master key file; without it the master key is read, as "
						+ "base64, from the environment variable " + MASTER_KEY_VARIABLE + ".")
		Path masterKeyFile;

		/** Opens the store read-only, after checking that the directory holds one. */
		Varve open() {
			requireStore(this.store);
			VarveBuilder builder = Varve.builder().path(this.store).readOnly();
			if (this.keyStore != null) {
				KeyProvider keys = (this.masterKeyFile != null) ? LocalKeyProvider.fromFile(this.masterKeyFile)
						: LocalKeyProvider.fromEnvironment(MASTER_KEY_VARIABLE);
				builder.encryption(Encryption.of(keys, this.keyStore));
			}
			return builder.open();
		}

	}

	/** Output formats. */
	enum Format {

		table, json

	}

	static void requireStore(Path store) {
		if (!Files.isDirectory(store)) {
			throw new CliException(STORE, "no directory " + store + "; give the store's directory (the "
					+ "application's varve.path) with --store");
		}
		if (!Files.exists(store.resolve("data.mdb"))) {
			throw new CliException(STORE, store + " holds no Varve store (no data.mdb); give the store's directory "
					+ "(the application's varve.path) with --store");
		}
	}

	/** A failure the command reports in one line, with its exit code. */
	static final class CliException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final int code;

		CliException(int code, String message) {
			super(message);
			this.code = code;
		}

		int code() {
			return this.code;
		}

	}

	/** What an exception means for the user: one line and an exit code. */
	record Failure(int code, String message) {

		static Failure of(Exception ex) {
			if (ex instanceof CliException cli) {
				return new Failure(cli.code(), cli.getMessage());
			}
			if (ex instanceof EncryptionException) {
				return new Failure(STORE, oneLine(ex.getMessage())
						+ " (varve reads an encrypted store with --key-store, and --master-key-file or the variable "
						+ StoreOptions.MASTER_KEY_VARIABLE + ")");
			}
			if (ex instanceof StorageException || ex instanceof VarveException) {
				return new Failure(STORE, oneLine(ex.getMessage()));
			}
			if (ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
				return new Failure(STORE, "could not read or write a file: " + oneLine(ex.getMessage()));
			}
			return new Failure(STORE, "unexpected error: " + ex + " (run again with --verbose for details)");
		}

		private static String oneLine(String message) {
			return (message == null) ? "no message" : message.replace('\n', ' ');
		}

	}

}
