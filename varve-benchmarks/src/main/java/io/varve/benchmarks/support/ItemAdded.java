package io.varve.benchmarks.support;

import java.util.List;

import io.varve.EventType;

/**
 * The benchmark event: a shopping-cart line, shaped like a typical domain event (ids, a
 * name, amounts, a timestamp, a short list). About 200 bytes as Smile; {@link Events}
 * checks the size. Also serialisable by Jackson 2 for the Axon peer.
 *
 * @param cartId the cart (aggregate) id
 * @param sku the product code
 * @param productName the product name
 * @param quantity how many
 * @param unitPriceCents the unit price in cents
 * @param currency ISO currency code
 * @param addedBy the user who added the line
 * @param addedAtEpochMillis when, in epoch milliseconds
 * @param tags a few labels
 */
@EventType("item-added")
public record ItemAdded(String cartId, String sku, String productName, int quantity, long unitPriceCents,
		String currency, String addedBy, long addedAtEpochMillis, List<String> tags) {

}
