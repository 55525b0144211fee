package io.varve.test;

import io.varve.EventType;

@EventType("withdrawn")
record Withdrawn(long amount) {
}
