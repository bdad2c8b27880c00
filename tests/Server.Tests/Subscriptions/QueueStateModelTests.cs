using CsCheck;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Random operation sequences against <see cref="Server.Subscriptions.QueueState"/>, checked step by step
/// against a reference model; CsCheck shrinks a failure to a short sequence and prints its seed.</summary>
public sealed class QueueStateModelTests
{
    private static readonly Gen<long> Holder = Gen.Long[1, QueueStateHarness.Holders];
    private static readonly Gen<long> First = Gen.Long[0, QueueStateHarness.Capacity - 1];
    private static readonly Gen<int> Count = Gen.Int[1, 8];

    private static readonly Gen<QueueOp> Op = Gen.Frequency(
        (30, Gen.Select(Holder, Gen.Int[1, 6], Gen.Long[1, 50], Gen.Frequency((4, Gen.Const(int.MaxValue)), (1, Gen.Int[0, 5])),
            (h, max, vis, keep) => new QueueOp(QueueOpKind.Acquire, Holder: h, Count: max, Ms: vis, Keep: keep))),
        (15, Gen.Select(First, Count, (first, count) => new QueueOp(QueueOpKind.Ack, First: first, Count: count))),
        (10, Gen.Select(Holder, First, Count, Gen.Frequency((3, Gen.Const(0L)), (2, Gen.Long[1, 30])),
            (h, first, count, delay) => new QueueOp(QueueOpKind.Nack, h, first, count, delay))),
        (5, Gen.Select(Holder, First, Count, Gen.Long[0, 50], (h, first, count, vis) => new QueueOp(QueueOpKind.Extend, h, first, count, vis))),
        (4, Holder.Select(h => new QueueOp(QueueOpKind.Release, Holder: h))),
        (15, Gen.Long[1, 40].Select(ms => new QueueOp(QueueOpKind.Advance, Ms: ms))),
        (10, Gen.Int[1, 10].Select(count => new QueueOp(QueueOpKind.Publish, Count: count))),
        (5, Gen.Long[0, 7].Select(index => new QueueOp(QueueOpKind.CompleteDeadLetter, First: index))),
        (3, Gen.Const(new QueueOp(QueueOpKind.Tick))),
        (2, Gen.Const(new QueueOp(QueueOpKind.Compact))),
        (3, Gen.Const(new QueueOp(QueueOpKind.Restart))));

    [Fact]
    public void Queue_state_agrees_with_the_reference_model_under_random_operations()
    {
        Op.Array[1, 80].Sample(ops => new QueueStateHarness().Run(ops), iter: 4000, print: ops => string.Join("; ", ops));
    }
}
