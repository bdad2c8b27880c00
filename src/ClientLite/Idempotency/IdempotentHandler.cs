namespace FastBroker.ClientLite.Idempotency;

/// <summary>Wraps a message handler so that a message whose id was processed before is skipped.</summary>
public static class IdempotentHandler
{
    /// <summary>
    /// Returns a handler that marks <paramref name="idOf"/>(message) in <paramref name="store"/> first: when the id
    /// was marked before, the message is a duplicate and the wrapped handler returns at once (so the message is
    /// acked and not processed again); otherwise <paramref name="handler"/> runs, and when it throws the id is
    /// forgotten again (so the redelivery is processed) and the exception goes on (so the message is nacked).
    /// </summary>
    /// <remarks>
    /// Marking before processing means "being processed or done". A redelivery that arrives while the first
    /// attempt is still running (its visibility timeout ran out) is treated as a duplicate and acked; if the first
    /// attempt then fails, the message is not delivered again. Keep the visibility timeout above the processing
    /// time (or extend it), or use a store whose mark commits with the side effects (docs/QUEUES.md).
    /// </remarks>
    public static Func<QueueMessage, CancellationToken, ValueTask> Wrap(IProcessedIdStore store, Func<QueueMessage, string> idOf,
        Func<QueueMessage, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(idOf);
        ArgumentNullException.ThrowIfNull(handler);
        return async (message, cancellationToken) =>
        {
            string id = idOf(message);
            if (!await store.TryMarkProcessedAsync(id, cancellationToken).ConfigureAwait(false))
                return;
            try
            {
                await handler(message, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Not canceled by the caller's token: the id must be forgotten even when shutting down.
                await store.ForgetAsync(id, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        };
    }
}
