package io.varve.core.durability;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One journal segment file: its number, size and (opened on first use) channel. */
final class JournalSegment {

	final Path file;

	final long number;

	long size;

	private FileChannel channel;

	JournalSegment(Path file, long number) {
		this.file = file;
		this.number = number;
		try {
			this.size = Files.size(file);
		}
		catch (IOException ex) {
			this.size = 0;
		}
	}

	JournalSegment(Path file, long number, long size) {
		this.file = file;
		this.number = number;
		this.size = size;
	}

	FileChannel channel() throws IOException {
		if (this.channel == null) {
			this.channel = FileChannel.open(this.file, StandardOpenOption.READ, StandardOpenOption.WRITE);
		}
		return this.channel;
	}

	void reopen() throws IOException {
		this.channel = null;
		channel();
	}

	void close() {
		if (this.channel != null) {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// closing
			}
			this.channel = null;
		}
	}

}
