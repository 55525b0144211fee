package io.varve.boot.autoconfigure.diagnostics;

import java.io.IOException;
import java.nio.file.Path;

import io.varve.Varve;

/**
 * Run in a child JVM: holds a store open until its stdin closes, so that a test can start
 * an application on a store another process owns.
 */
public final class StoreHolder {

	private StoreHolder() {
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
