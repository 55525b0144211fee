package io.varve;

/**
 * A replicated event does not fit the replica: its source is not this replica's source,
 * or the feed lost events (a topic's retention removed them). Nothing of the call that
 * threw was stored. The replica must be rebuilt from an empty directory (or from a backup
 * of its source) and fed again.
 */
public class ReplicationException extends VarveException {

	private static final long serialVersionUID = 1L;

	public ReplicationException(String message) {
		super(message);
	}

}
