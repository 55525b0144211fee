package io.varve.test;

import java.util.Set;

import org.springframework.boot.test.context.filter.annotation.StandardAnnotationCustomizableTypeExcludeFilter;

import io.varve.Upcaster;
import io.varve.VarveListener;
import io.varve.boot.VarveProcessor;
import io.varve.boot.autoconfigure.VarveBuilderCustomizer;
import io.varve.boot.autoconfigure.VarveSmileMapperBuilderCustomizer;

/**
 * The components {@link VarveTest} keeps from the application's component scan.
 */
final class VarveTypeExcludeFilter extends StandardAnnotationCustomizableTypeExcludeFilter<VarveTest> {

	private static final Set<Class<?>> INCLUDES = Set.of(VarveProcessor.class, Upcaster.class, VarveListener.class,
			VarveBuilderCustomizer.class, VarveSmileMapperBuilderCustomizer.class);

	VarveTypeExcludeFilter(Class<?> testClass) {
		super(testClass);
	}

	@Override
	protected Set<Class<?>> getKnownIncludes() {
		return INCLUDES;
	}

}
