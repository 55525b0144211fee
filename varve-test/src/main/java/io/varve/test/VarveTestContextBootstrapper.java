package io.varve.test;

import org.springframework.boot.test.autoconfigure.TestSliceTestContextBootstrapper;

/**
 * Bootstraps {@link VarveTest}: its {@code properties} go into the test's environment.
 */
final class VarveTestContextBootstrapper extends TestSliceTestContextBootstrapper<VarveTest> {

}
