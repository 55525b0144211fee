package io.varve.test.slice;

import org.springframework.stereotype.Component;

/** A component of the application that the slice must not start. */
@Component
public class Unrelated {

}
