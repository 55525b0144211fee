package io.varve.boot.autoconfigure.processor;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.Environment;

import io.varve.boot.autoconfigure.ProcessorOverrides;
import io.varve.VarveException;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.boot.VarveReset;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;

/**
 * Finds {@link VarveProcessor @VarveProcessor} beans and their
 * {@link VarveHandler @VarveHandler} methods as each bean is initialized (looking through
 * proxies at the target class), checks them, and once every singleton exists registers
 * them with the store's {@link ProcessorRegistry}. They are started later by
 * {@link VarveProcessorLifecycle}.
 */
public final class VarveProcessorBeanPostProcessor
		implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware, EnvironmentAware, Ordered {

	private final Set<Class<?>> plainClasses = ConcurrentHashMap.newKeySet();

	private final List<ProcessorBean> processorBeans = Collections.synchronizedList(new ArrayList<>());

	private final List<RegisteredProcessor> registered = Collections.synchronizedList(new ArrayList<>());

	private BeanFactory beanFactory;

	private Environment environment;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public int getOrder() {
		return LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> target = AopProxyUtils.ultimateTargetClass(bean);
		if (this.plainClasses.contains(target)) {
			return bean;
		}
		VarveProcessor annotation = AnnotatedElementUtils.findMergedAnnotation(target, VarveProcessor.class);
		Set<Method> handlers = annotatedMethods(target, VarveHandler.class);
		if (annotation == null) {
			if (!handlers.isEmpty()) {
				throw new BeanInitializationException("Bean '" + beanName + "' has @VarveHandler methods "
						+ handlers.stream().map(HandlerMethod::describe).toList() + " but its class "
						+ target.getSimpleName() + " is not annotated @VarveProcessor; annotate the class");
			}
			this.plainClasses.add(target);
			return bean;
		}
		String name = new ProcessorDefinitionFactory(this.environment).name(annotation);
		this.processorBeans.add(ProcessorBean.of(beanName, name, bean, annotation, handlers,
				annotatedMethods(target, VarveReset.class)));
		return bean;
	}

	private static Set<Method> annotatedMethods(Class<?> target,
			Class<? extends java.lang.annotation.Annotation> annotation) {
		if (!AnnotationUtils.isCandidateClass(target, annotation)) {
			return Set.of();
		}
		Map<Method, Boolean> methods = MethodIntrospector.selectMethods(target,
				(MethodIntrospector.MetadataLookup<Boolean>) (
						method) -> AnnotatedElementUtils.hasAnnotation(method, annotation) ? Boolean.TRUE : null);
		return methods.keySet();
	}

	@Override
	public void afterSingletonsInstantiated() {
		checkUniqueNames();
		new UnknownProcessorNamesReporter(this.environment)
			.report(List.copyOf(this.processorBeans).stream().map(ProcessorBean::name).toList());
		ProcessorRegistry registry = this.beanFactory.getBean(ProcessorRegistry.class);
		ProcessorDefinitionFactory factory = new ProcessorDefinitionFactory(this.environment);
		for (ProcessorBean processorBean : List.copyOf(this.processorBeans)) {
			ProcessorOverrides overrides = factory.overrides(processorBean.name());
			ProcessorDefinition definition = factory.definition(processorBean, overrides);
			try {
				registry.register(definition);
			}
			catch (VarveException ex) {
				throw new BeanInitializationException(
						"Cannot register @VarveProcessor bean '" + processorBean.beanName() + "' as processor '"
								+ processorBean.name() + "': " + ex.getMessage(),
						ex);
			}
			this.registered.add(new RegisteredProcessor(processorBean.name(), processorBean.beanName(),
					!Boolean.FALSE.equals(overrides.getEnabled())));
		}
	}

	private void checkUniqueNames() {
		Map<String, ProcessorBean> byName = new LinkedHashMap<>();
		for (ProcessorBean processorBean : List.copyOf(this.processorBeans)) {
			ProcessorBean other = byName.putIfAbsent(processorBean.name(), processorBean);
			if (other != null) {
				throw new BeanInitializationException("Processor name '" + processorBean.name() + "' is used by beans '"
						+ other.beanName() + "' and '" + processorBean.beanName()
						+ "'; each processor keeps its checkpoint under its name, so give one of them another "
						+ "name with @VarveProcessor(name = \"...\")");
			}
		}
	}

	/** The processors registered from beans, in registration order. */
	List<RegisteredProcessor> registered() {
		return List.copyOf(this.registered);
	}

	/**
	 * A processor registered from a bean.
	 *
	 * @param name the processor name
	 * @param beanName the bean
	 * @param autoStart whether it starts with the application
	 */
	record RegisteredProcessor(String name, String beanName, boolean autoStart) {

	}

}
