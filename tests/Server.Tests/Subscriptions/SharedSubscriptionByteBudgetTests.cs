namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Max bytes of a delivery counts whole stored batches, whatever their size (PROTOCOL.md section 5.15).</summary>
public sealed class SharedSubscriptionByteBudgetTests : IAsyncLifetime
{
    private const long Holder = 1;
    // Larger than the delivery path's 256 KiB read chunk, so each batch needs a read of its own.
    private const int BigValueBytes = 300 * 1024;
    private readonly QueueBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<Wire.Messages.Queues.SubscriptionSettings> PublishBigBatchesAsync(int batches)
    {
        var settings = QueueBroker.Settings();
        await _broker.CreateQueueAsync("big", "big", settings);
        for (int i = 0; i < batches; i++)
            await _broker.PublishAsync("big", 0, new string((char)('a' + i), BigValueBytes));
        return settings;
    }

    [Theory]
    [InlineData(1, 1)]                   // the first batch always goes, even over max bytes
    [InlineData(BigValueBytes + 1024, 1)] // a second batch would pass max bytes
    [InlineData(700 * 1024, 2)]
    [InlineData(1024 * 1024, 3)]         // all three fit: none is left out for being larger than a read chunk
    public async Task Batches_larger_than_a_read_chunk_are_delivered_while_they_fit_max_bytes(int maxBytes, int expected)
    {
        await PublishBigBatchesAsync(3);
        var queue = _broker.Subscription("big", "big");

        var delivered = QueueBroker.Receive(queue, Holder, max: 10, maxBytes: maxBytes);

        Assert.Equal(expected, delivered.Count);
        Assert.Equal(Enumerable.Range(0, expected).Select(i => (long)i), delivered.Select(m => m.Offset));
        // What did not fit was given back, visible for the next receive.
        Assert.Equal(3 - expected, QueueBroker.Receive(queue, Holder, max: 10, maxBytes: 4 << 20).Count);
    }
}
