package io.varve.core.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import io.varve.EncryptionException;
import io.varve.VarveException;
import io.varve.crypto.Encryption;
import io.varve.crypto.KeyProvider;

/**
 * The data keys of an encrypted store: one random AES-256 key per stream, kept wrapped by
 * a master key in the {@link KeyLog} outside the store directory, and unwrapped into
 * memory on first use. The writer creates keys (and flushes them before the group that
 * uses them commits), forgets and rewraps them; readers look keys up by the id a sealed
 * envelope names. A key that is not here is a forgotten stream's: its events read as
 * shredded.
 */
public final class DataKeys implements AutoCloseable {

	/** Size of a data key: AES-256. */
	static final int KEY_BYTES = 32;

	private static final byte[] CONTEXT_LABEL = "varve data key\0".getBytes(StandardCharsets.US_ASCII);

	private final KeyProvider provider;

	private final KeyLog log;

	private final boolean readOnly;

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Key> byStream = new ConcurrentHashMap<>();

	private final Map<Long, Key> byId = new ConcurrentHashMap<>();

	/** Keys created since the key store was last flushed (writer only). */
	private final List<Key> unflushed = new ArrayList<>();

	/** The key store's {@link #stamp} when it was last read (read-only processes). */
	private volatile String loaded;

	private DataKeys(KeyProvider provider, KeyLog log, boolean readOnly, List<KeyLog.Entry> entries) {
		this.provider = provider;
		this.log = log;
		this.readOnly = readOnly;
		this.loaded = stamp(log.file());
		for (KeyLog.Entry entry : entries) {
			Key key = new Key(entry);
			// A later record of a stream (never written today) would win.
			Key replaced = this.byStream.put(entry.stream(), key);
			if (replaced != null) {
				this.byId.remove(replaced.id);
			}
			this.byId.put(entry.dataKeyId(), key);
		}
	}

	/**
	 * Opens the key store of an encrypted store, creating it when the store holds no
	 * event yet, and checks that the key provider unwraps its keys.
	 * @param encryption the setting
	 * @param storeDirectory the store directory, which must not hold the key store
	 * @param storeId the key store id the store records
	 * @param storeHasEvents whether the store holds events (then its key store must
	 * exist)
	 * @param readOnly whether the store is open read-only
	 * @return the keys
	 * @throws EncryptionException if the key store is missing, belongs to another store,
	 * or the provider lacks a master key it needs
	 */
	public static DataKeys open(Encryption encryption, Path storeDirectory, UUID storeId, boolean storeHasEvents,
			boolean readOnly) {
		Path file = KeyStoreFiles.checkedPath(encryption.keyStorePath(), storeDirectory);
		List<KeyLog.Entry> entries = new ArrayList<>();
		KeyLog log = KeyLog.open(file, !readOnly, entries);
		if (log == null) {
			if (storeHasEvents) {
				throw new EncryptionException("The encrypted store at " + storeDirectory + " holds events but its key "
						+ "store " + file + " does not exist: without it no event can be decrypted. Point the key "
						+ "store path at the key store this store was created with (restore it from its backup)");
			}
			if (readOnly) {
				throw new EncryptionException("The key store " + file + " of the store at " + storeDirectory
						+ " does not exist; open the store once for writing to create it, or check the path");
			}
			log = KeyLog.create(file, storeId);
		}
		if (!log.storeId().equals(storeId)) {
			log.close();
			throw new EncryptionException("The key store " + file + " belongs to another store (key store id "
					+ log.storeId() + ", the store at " + storeDirectory + " records " + storeId + "). Point the key "
					+ "store path at this store's own key store; a key store left from a deleted store can be deleted");
		}
		DataKeys keys = new DataKeys(encryption.keyProvider(), log, readOnly, entries);
		try {
			keys.checkProvider();
		}
		catch (RuntimeException ex) {
			keys.close();
			throw ex;
		}
		return keys;
	}

	/** Unwraps one key per master key id, so that a wrong provider fails at open. */
	private void checkProvider() {
		Map<String, Key> firstByMaster = new LinkedHashMap<>();
		for (Key key : this.byStream.values()) {
			firstByMaster.putIfAbsent(key.masterKeyId, key);
		}
		for (Key key : firstByMaster.values()) {
			secret(key);
		}
	}

	/**
	 * The data key of a stream.
	 * @param stream the stream name
	 * @return its key, or null when it has none (new, or forgotten)
	 */
	public @Nullable Key forStream(String stream) {
		return this.byStream.get(stream);
	}

	/**
	 * The data key a sealed envelope names.
	 * @param dataKeyId the key's id
	 * @return the unwrapped key, or null when it was forgotten
	 */
	public @Nullable SecretKey secret(long dataKeyId) {
		Key key = this.byId.get(dataKeyId);
		if (key == null && this.readOnly && reload()) {
			// A read-only process sees keys the writing process made since it opened.
			key = this.byId.get(dataKeyId);
		}
		return (key != null) ? secret(key) : null;
	}

	/**
	 * Reads the key store again if it changed since it was read (read-only processes):
	 * adds the keys the writer made, drops those it forgot.
	 * @return whether it was read again
	 */
	private synchronized boolean reload() {
		String stamp = stamp(this.log.file());
		if (stamp.equals(this.loaded)) {
			return false;
		}
		List<KeyLog.Entry> entries = new ArrayList<>();
		KeyLog reread = KeyLog.open(this.log.file(), false, entries);
		if (reread == null) {
			return false;
		}
		reread.close();
		Map<Long, KeyLog.Entry> current = new LinkedHashMap<>();
		entries.forEach((entry) -> current.put(entry.dataKeyId(), entry));
		this.byId.keySet().retainAll(current.keySet());
		this.byStream.values().removeIf((key) -> !current.containsKey(key.id));
		for (KeyLog.Entry entry : current.values()) {
			if (!this.byId.containsKey(entry.dataKeyId())) {
				Key key = new Key(entry);
				this.byStream.put(entry.stream(), key);
				this.byId.put(entry.dataKeyId(), key);
			}
		}
		this.loaded = stamp;
		return true;
	}

	/**
	 * Size, modification time and file key (the inode, which a rewrite's rename changes)
	 * of the key store, to tell whether it changed.
	 */
	private static String stamp(Path file) {
		try {
			BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
			return attributes.size() + "@" + attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "#"
					+ attributes.fileKey();
		}
		catch (java.io.IOException ex) {
			return "missing";
		}
	}

	/**
	 * The unwrapped secret of a key, unwrapped once and then kept.
	 * @param key the key
	 * @return its secret
	 */
	public SecretKey secret(Key key) {
		SecretKey secret = key.secret;
		if (secret == null) {
			synchronized (key) {
				secret = key.secret;
				if (secret == null) {
					secret = unwrap(key);
					key.secret = secret;
				}
			}
		}
		return secret;
	}

	/**
	 * Creates a stream's data key and appends it to the key store, not yet flushed:
	 * writer only, which flushes it ({@link #sync()}) before committing events sealed
	 * with it.
	 * @param stream the stream name
	 * @return the key
	 */
	public Key create(String stream) {
		checkWritable();
		long id;
		do {
			id = this.random.nextLong();
		}
		while (id == 0 || this.byId.containsKey(id));
		byte[] secret = new byte[KEY_BYTES];
		this.random.nextBytes(secret);
		try {
			String master = this.provider.currentKeyId();
			byte[] wrapped = wrap(master, secret, stream, id);
			Key key = new Key(new KeyLog.Entry(stream, id, master, wrapped));
			key.secret = new SecretKeySpec(secret, "AES");
			this.log.append(key.entry());
			key.durable = false;
			this.unflushed.add(key);
			this.byStream.put(stream, key);
			this.byId.put(id, key);
			return key;
		}
		finally {
			Arrays.fill(secret, (byte) 0);
		}
	}

	/** Flushes the keys created since the last flush, if any (writer only). */
	public void sync() {
		this.log.sync();
		this.unflushed.forEach((key) -> key.durable = true);
		this.unflushed.clear();
	}

	/**
	 * Removes a stream's key from the key store: the file is rewritten without it and
	 * flushed (writer only).
	 * @param stream the stream name
	 * @return whether the stream had a key
	 */
	public boolean forget(String stream) {
		checkWritable();
		Key key = this.byStream.get(stream);
		if (key == null) {
			return false;
		}
		List<KeyLog.Entry> kept = new ArrayList<>();
		for (Key other : this.byStream.values()) {
			if (other != key) {
				kept.add(other.entry());
			}
		}
		kept.sort((a, b) -> Long.compare(a.dataKeyId(), b.dataKeyId()));
		this.log.rewrite(kept);
		this.byStream.remove(stream);
		this.byId.remove(key.id);
		markFlushed();
		return true;
	}

	/**
	 * Rewraps every data key not wrapped by the provider's current master key under it,
	 * and rewrites the key store (writer only). Events are untouched: their data keys do
	 * not change.
	 * @return how many keys were rewrapped
	 */
	public int rotate() {
		checkWritable();
		String current = this.provider.currentKeyId();
		List<Key> keys = new ArrayList<>(this.byStream.values());
		keys.sort((a, b) -> Long.compare(a.id, b.id));
		Map<Key, KeyLog.Entry> rewrapped = new LinkedHashMap<>();
		for (Key key : keys) {
			if (!key.masterKeyId.equals(current)) {
				byte[] secret = secret(key).getEncoded();
				try {
					rewrapped.put(key,
							new KeyLog.Entry(key.stream, key.id, current, wrap(current, secret, key.stream, key.id)));
				}
				finally {
					Arrays.fill(secret, (byte) 0);
				}
			}
		}
		if (rewrapped.isEmpty()) {
			return 0;
		}
		List<KeyLog.Entry> entries = new ArrayList<>();
		for (Key key : keys) {
			entries.add(rewrapped.getOrDefault(key, key.entry()));
		}
		this.log.rewrite(entries);
		rewrapped.forEach((key, entry) -> key.rewrapped(entry));
		markFlushed();
		return rewrapped.size();
	}

	/** After a rewrite, which flushed every key. */
	private void markFlushed() {
		this.unflushed.forEach((key) -> key.durable = true);
		this.unflushed.clear();
	}

	/** How many streams have a key. */
	public int size() {
		return this.byStream.size();
	}

	/** The key store file. */
	public Path file() {
		return this.log.file();
	}

	@Override
	public void close() {
		this.log.close();
	}

	private void checkWritable() {
		if (this.readOnly) {
			throw new io.varve.ReadOnlyStoreException("The store was opened read-only; its key store can only be "
					+ "changed by the process that owns the store");
		}
	}

	private byte[] wrap(String master, byte[] secret, String stream, long id) {
		byte[] wrapped;
		try {
			wrapped = this.provider.wrap(master, secret, context(stream, id));
		}
		catch (VarveException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new EncryptionException("The key provider could not wrap the data key of stream '" + stream
					+ "' with master key " + master + ": " + ex, ex);
		}
		if (wrapped == null || wrapped.length == 0) {
			throw new EncryptionException("The key provider returned no wrapped key for stream '" + stream + "'");
		}
		return wrapped;
	}

	private SecretKey unwrap(Key key) {
		byte[] secret;
		try {
			secret = this.provider.unwrap(key.masterKeyId, key.wrapped, context(key.stream, key.id));
		}
		catch (RuntimeException ex) {
			throw new EncryptionException("The data key of stream '" + key.stream + "' (in " + this.log.file()
					+ ") is wrapped by master key " + key.masterKeyId + ", which the key provider cannot use: "
					+ ex.getMessage() + ". Configure the master key the store's keys were wrapped with", ex);
		}
		if (secret == null || secret.length != KEY_BYTES) {
			throw new EncryptionException("The key provider unwrapped the data key of stream '" + key.stream + "' into "
					+ ((secret != null) ? secret.length : 0) + " bytes, not " + KEY_BYTES);
		}
		try {
			return new SecretKeySpec(secret, "AES");
		}
		finally {
			Arrays.fill(secret, (byte) 0);
		}
	}

	/** What a wrapped key is bound to: its stream and id, so it cannot be moved. */
	private static byte[] context(String stream, long id) {
		byte[] name = stream.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(CONTEXT_LABEL.length + 8 + name.length)
			.put(CONTEXT_LABEL)
			.putLong(id)
			.put(name)
			.array();
	}

	/** A stream's data key. */
	public static final class Key {

		final String stream;

		final long id;

		volatile String masterKeyId;

		volatile byte[] wrapped;

		volatile @Nullable SecretKey secret;

		/**
		 * Whether the key store holds it on the device (created keys wait for a sync).
		 */
		volatile boolean durable = true;

		Key(KeyLog.Entry entry) {
			this.stream = entry.stream();
			this.id = entry.dataKeyId();
			this.masterKeyId = entry.masterKeyId();
			this.wrapped = entry.wrapped();
		}

		/** The id sealed envelopes name the key by. */
		public long id() {
			return this.id;
		}

		/** Whether the key is flushed to the key store. */
		public boolean isDurable() {
			return this.durable;
		}

		/** The id of the master key that wraps it. */
		public String masterKeyId() {
			return this.masterKeyId;
		}

		KeyLog.Entry entry() {
			return new KeyLog.Entry(this.stream, this.id, this.masterKeyId, this.wrapped);
		}

		void rewrapped(KeyLog.Entry entry) {
			this.masterKeyId = entry.masterKeyId();
			this.wrapped = entry.wrapped();
		}

	}

}
