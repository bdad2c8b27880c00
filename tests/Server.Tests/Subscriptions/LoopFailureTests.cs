using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>The ack log and the dead-letter mover: an unexpected failure in their loops answers instead of hanging.</summary>
public sealed class LoopFailureTests : IAsyncLifetime
{
    private const long A = 1;
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task An_unexpected_failure_in_the_ack_log_fails_waiting_acks_with_the_reason_and_marks_the_subscription_failed()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        await _broker.PublishAsync("orders", 0, "a", "b");
        Assert.Equal(2, QueueBroker.Receive(queue, A, max: 2).Count);
        Assert.Null(queue.Failure);

        queue.AckWriter.FaultInjection = () => throw new InvalidOperationException("injected");
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => QueueBroker.AckAsync(queue, (0, 1)));
        Assert.Contains("StorageError", failed.Message);
        Assert.Contains("ack log", failed.Message);
        Assert.Contains("stopped after an unexpected error", failed.Message);
        Assert.Contains("injected", queue.Failure);

        // Later acks are answered at once with the same reason.
        var later = await Assert.ThrowsAsync<InvalidOperationException>(() => QueueBroker.AckAsync(queue, (1, 1)));
        Assert.Contains(queue.Failure!, later.Message);
    }

    [Fact]
    public async Task An_unexpected_failure_in_the_dead_letter_mover_marks_the_subscription_failed_and_lets_it_close()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings(maxDeliveries: 1));
        await _broker.PublishAsync("orders", 0, "poison");
        queue.Mover.FaultInjection = () => throw new InvalidOperationException("injected");
        Assert.Single(QueueBroker.Receive(queue, A, max: 1));
        Assert.Equal(1, queue.Nack(new OffsetRange(0, 0, 1), A, delayMs: 0));

        await QueueBroker.EventuallyAsync(() => queue.Failure is not null, "the mover's failure");
        Assert.Contains("dead-letter mover of orders/orders stopped after an unexpected error", queue.Failure);
        Assert.False(_broker.Registry.TryGet("orders.dlq", out _));
        // Parked, not lost and not delivered again while the mover is down.
        Assert.Empty(QueueBroker.Receive(queue, A, max: 1));

        await queue.DisposeAsync().AsTask().WaitAsync(QueueBroker.Patience);
    }
}
