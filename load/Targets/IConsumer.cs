namespace FastBroker.Load.Targets;

/// <summary>Called once per delivered message; return false to stop consuming. The span is valid only during the call.</summary>
public delegate bool MessageHandler(ReadOnlySpan<byte> payload);

/// <summary>Receives messages from a target and acknowledges each after the handler ran.</summary>
public interface IConsumer : IAsyncDisposable
{
    /// <summary>Delivers messages to <paramref name="handler"/> until it returns false or the token is cancelled
    /// (cancellation ends the loop quietly). Returns the number of messages handled.</summary>
    Task<long> ConsumeAsync(MessageHandler handler, CancellationToken cancellationToken);
}
