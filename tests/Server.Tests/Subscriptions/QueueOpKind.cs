namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>What one step of the model-based queue test does.</summary>
public enum QueueOpKind
{
    /// <summary>Holder takes up to Count messages with visibility Ms, then gives back all but the first Keep.</summary>
    Acquire,
    /// <summary>Ack [First, First + Count).</summary>
    Ack,
    /// <summary>Holder nacks [First, First + Count) with delay Ms.</summary>
    Nack,
    /// <summary>Holder extends [First, First + Count) to now + Ms.</summary>
    Extend,
    /// <summary>Holder's connection closes.</summary>
    Release,
    /// <summary>The clock moves Ms forward.</summary>
    Advance,
    /// <summary>Count more messages are published.</summary>
    Publish,
    /// <summary>The dead-letter copy of the First-th (modulo) message waiting to move is stored.</summary>
    CompleteDeadLetter,
    /// <summary>The owner's periodic deadline sweep.</summary>
    Tick,
    /// <summary>The ack log is rewritten as a snapshot of the state.</summary>
    Compact,
    /// <summary>The broker restarts: the state is rebuilt from the ack log alone.</summary>
    Restart,
}
