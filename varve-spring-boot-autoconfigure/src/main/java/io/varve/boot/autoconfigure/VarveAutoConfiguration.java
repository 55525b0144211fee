package io.varve.boot.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JacksonModule;
import tools.jackson.dataformat.smile.SmileMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

import io.varve.InvalidArgumentException;
import io.varve.Varve;
import io.varve.VarveBuilder;
import io.varve.SnapshotPolicy;
import io.varve.RetentionPolicy;
import io.varve.Upcaster;
import io.varve.VarveListener;
import io.varve.boot.aggregate.VarveAggregates;
import io.varve.crypto.Encryption;
import io.varve.crypto.KeyProvider;
import io.varve.crypto.LocalKeyProvider;

/**
 * Auto-configuration of the {@link Varve} event store bean from {@code varve.*}
 * properties. Backs off when the application defines its own {@link Varve} bean. The
 * store is closed when the context closes.
 * <p>
 * Events are encoded by a {@link SmileMapper} bean: Varve's defaults
 * ({@link VarveBuilder#defaultMapperBuilder()}), then every {@link JacksonModule} bean,
 * then every {@link VarveSmileMapperBuilderCustomizer}, as Spring Boot builds its JSON
 * mapper. A {@code SmileMapper} bean of the application's replaces it (Spring Boot itself
 * defines none).
 * <p>
 * Every {@link VarveListener} bean is registered on the store, in bean order (metrics and
 * observations use this), and every {@link Upcaster} bean, before the
 * {@link VarveBuilderCustomizer}s run.
 */
@AutoConfiguration
@EnableConfigurationProperties(VarveProperties.class)
public final class VarveAutoConfiguration {

	/**
	 * Reports {@code varve.*} keys that bind to nothing, before anything is created, so
	 * that a typo shows above the failure it may cause.
	 * @return the reporter
	 */
	@Bean
	static UnknownPropertiesReporter varveUnknownPropertiesReporter() {
		return new UnknownPropertiesReporter();
	}

	@Bean
	@ConditionalOnMissingBean(SmileMapper.class)
	SmileMapper varveSmileMapper(ObjectProvider<JacksonModule> modules,
			ObjectProvider<VarveSmileMapperBuilderCustomizer> customizers) {
		SmileMapper.Builder builder = VarveBuilder.defaultMapperBuilder();
		builder.addModules(modules.orderedStream().toList());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Varve varve(VarveProperties properties, SmileMapper mapper, ObjectProvider<VarveBuilderCustomizer> customizers,
			ObjectProvider<VarveListener> listeners, ObjectProvider<Upcaster> upcasters,
			ObjectProvider<KeyProvider> keyProviders, BeanFactory beanFactory, Environment environment,
			ResourceLoader resourceLoader) {
		VarveBuilder builder = Varve.builder()
			.path(properties.getPath())
			.mapper(mapper)
			.maxMapSize(properties.getMaxMapSize().toBytes())
			.durability(properties.getDurability())
			.maxEventSize((int) Math.min(Integer.MAX_VALUE, properties.getMaxEventSize().toBytes()))
			.maxReaders(properties.getMaxReaders())
			.syncInterval(properties.getSyncInterval())
			.preallocate(properties.isPreallocate())
			.groupAccess(properties.isGroupAccess());
		if (properties.isReadOnly()) {
			builder.readOnly();
		}
		properties.getRetention()
			.forEach((name, retention) -> builder.retention(name, new RetentionPolicy(retention.getMaxAge(),
					(retention.getMaxCount() != null) ? retention.getMaxCount() : 0)));
		builder.retentionInterval(properties.getRetentionInterval());
		if (properties.getEncryption().isEnabled()) {
			builder.encryption(encryption(properties.getEncryption(), keyProviders.getIfAvailable()));
		}
		// A small maximum alone should just work, so the initial size never exceeds it.
		builder.mapSize(Math.min(properties.getMapSize().toBytes(), properties.getMaxMapSize().toBytes()));
		Set<String> packages = new LinkedHashSet<>(properties.getEventPackages());
		if (AutoConfigurationPackages.has(beanFactory)) {
			packages.addAll(AutoConfigurationPackages.get(beanFactory));
		}
		builder.eventTypes(new EventTypeScanner(environment, resourceLoader).scan(packages));
		listeners.orderedStream().forEach(builder::listener);
		builder.upcasters(upcasters.orderedStream().toList());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.open();
	}

	/**
	 * Makes aggregate repositories with the {@code varve.snapshots.*} policy.
	 * @param varve the store
	 * @param properties the settings
	 * @return the factory
	 */
	@Bean
	@ConditionalOnMissingBean
	VarveAggregates varveAggregates(Varve varve, VarveProperties properties) {
		return new VarveAggregates(varve, snapshotPolicy(properties.getSnapshots()));
	}

	/**
	 * The store's encryption: the application's {@link KeyProvider} bean, else the master
	 * key from {@code varve.encryption.master-key} or {@code master-key-file}.
	 */
	static Encryption encryption(VarveProperties.Encryption settings, @Nullable KeyProvider keyProvider) {
		if (settings.getKeyStorePath() == null) {
			throw new InvalidArgumentException(
					"varve.encryption.enabled is true but varve.encryption.key-store-path is "
							+ "not set; set it to a file outside the store directory (varve.path), such as "
							+ "/var/lib/myapp/varve-keys/keys.log");
		}
		KeyProvider provider = keyProvider;
		if (provider == null) {
			if (settings.getMasterKey() != null && settings.getMasterKeyFile() != null) {
				throw new InvalidArgumentException("Both varve.encryption.master-key and "
						+ "varve.encryption.master-key-file are set; set only one");
			}
			if (settings.getMasterKey() != null) {
				provider = LocalKeyProvider.ofBase64(settings.getMasterKey());
			}
			else if (settings.getMasterKeyFile() != null) {
				provider = LocalKeyProvider.fromFile(settings.getMasterKeyFile());
			}
			else {
				throw new InvalidArgumentException("varve.encryption.enabled is true but no master key is configured: "
						+ "set varve.encryption.master-key (base64 of 32 random bytes, e.g. from an environment "
						+ "variable VARVE_ENCRYPTION_MASTER_KEY) or varve.encryption.master-key-file, or define a "
						+ "KeyProvider bean (a KMS)");
			}
		}
		return Encryption.of(provider, settings.getKeyStorePath());
	}

	static SnapshotPolicy snapshotPolicy(VarveProperties.Snapshots snapshots) {
		SnapshotPolicy policy = SnapshotPolicy.none();
		if (snapshots.getEvery() > 0) {
			policy = SnapshotPolicy.every(snapshots.getEvery());
			if (snapshots.getAfterReplaying() > 0) {
				policy = policy.orAfterReplaying(snapshots.getAfterReplaying());
			}
		}
		else if (snapshots.getAfterReplaying() > 0) {
			policy = SnapshotPolicy.afterReplaying(snapshots.getAfterReplaying());
		}
		return policy.isEnabled() ? policy.keepLast(snapshots.getKeepLast()) : policy;
	}

}
