namespace FastBroker.Server.Tests.Durability;

/// <summary>A waiter for <see cref="RecordingCommitter"/>: completes with null once committed, or with the failure.</summary>
internal readonly record struct TestItem(int Id, long Weight, TaskCompletionSource<string?>? Done)
{
    public static TestItem Waiting(int id, long weight = 0)
        => new(id, weight, new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously));
}
