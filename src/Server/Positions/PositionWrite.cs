namespace FastBroker.Server.Positions;

/// <summary>One change waiting for the position store's loop: store <paramref name="Offset"/> for
/// <paramref name="Key"/> and tell <paramref name="Completion"/> once durable, or, with
/// <paramref name="WholeTopic"/>, forget every position in <c>Key.Topic</c>, or, with <paramref name="Batch"/>, store
/// every position in it (and ignore <paramref name="Key"/> and <paramref name="Offset"/>).</summary>
internal readonly record struct PositionWrite(
    PositionKey Key,
    long Offset,
    IPositionCompletion? Completion,
    uint RequestId,
    bool WholeTopic = false,
    (PositionKey Key, long Offset)[]? Batch = null);
