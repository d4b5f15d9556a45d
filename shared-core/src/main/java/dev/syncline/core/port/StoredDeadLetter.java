package dev.syncline.core.port;

/**
 * A dead letter as the store keeps it.
 *
 * @param id the store's id of the letter, unique, what a replay names
 * @param atMillis when it was dead-lettered
 */
public record StoredDeadLetter(String id, long atMillis, DeadLetter letter) {}
