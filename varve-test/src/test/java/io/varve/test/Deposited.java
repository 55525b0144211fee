package io.varve.test;

import io.varve.EventType;

@EventType("deposited")
record Deposited(long amount) {
}
