namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>One generated step of the model-based queue test (fields unused by a kind stay zero).</summary>
public readonly record struct QueueOp(QueueOpKind Kind, long Holder = 0, long First = 0, int Count = 0, long Ms = 0, int Keep = int.MaxValue)
{
    public override string ToString() => Kind switch
    {
        QueueOpKind.Acquire => Keep == int.MaxValue ? $"Acquire(h{Holder}, max {Count}, vis {Ms})" : $"Acquire(h{Holder}, max {Count}, vis {Ms}, keep {Keep})",
        QueueOpKind.Ack => $"Ack({First}+{Count})",
        QueueOpKind.Nack => $"Nack(h{Holder}, {First}+{Count}, delay {Ms})",
        QueueOpKind.Extend => $"Extend(h{Holder}, {First}+{Count}, vis {Ms})",
        QueueOpKind.Release => $"Release(h{Holder})",
        QueueOpKind.Advance => $"Advance({Ms})",
        QueueOpKind.Publish => $"Publish({Count})",
        QueueOpKind.CompleteDeadLetter => $"CompleteDeadLetter(#{First})",
        _ => Kind.ToString(),
    };
}
