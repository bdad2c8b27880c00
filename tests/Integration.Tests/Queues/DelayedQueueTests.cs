using System.Diagnostics;
using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>
/// Delayed delivery (PROTOCOL.md section 6.7) against the real binary: the docs/QUEUES.md sample through ClientLite, and
/// <c>publish --delay</c> with <c>receive</c> and <c>queue stats</c>. They wait on the real clock for a few seconds.
/// </summary>
public sealed class DelayedQueueTests : IAsyncLifetime
{
    private BrokerProcess _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerProcess.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private Task<Cli.Result> Run(string? stdin, params string[] args) => Cli.RunAsync(_broker.Address, stdin, args);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task The_guide_delayed_send_is_received_only_once_its_time_has_come()
    {
        await using var connection = await BrokerConnection.ConnectAsync(_broker.Address);
        await connection.CreateQueueAsync("orders");
        await using var queue = connection.OpenQueue("orders");
        await using var producer = await connection.CreateProducerAsync("orders");
        var sent = Stopwatch.StartNew();

        // sample-begin
        // Queues deliver it no earlier than 2 s from now (by the broker's clock); topic readers see it at once.
        await producer.SendDelayedAsync("reminder"u8.ToArray(), TimeSpan.FromSeconds(2));
        // Or at a time: producer.SendDelayedAsync(value, DateTimeOffset.UtcNow.AddMinutes(5))
        // sample-end

        var early = await queue.ReceiveAsync(maxMessages: 10, wait: TimeSpan.Zero);
        var stats = await connection.GetQueueStatsAsync("orders", "orders");
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(2), $"sending and receiving took {sent.Elapsed}: too slow to see the delay");
        Assert.Empty(early);
        Assert.Equal((0L, 1L), (stats.Visible, stats.Delayed));

        // A long poll is woken when the message becomes due; bounded by the attempts.
        var received = new List<QueueMessage>();
        for (int attempt = 0; attempt < 10 && received.Count == 0; attempt++)
            received.AddRange(await queue.ReceiveAsync(maxMessages: 10, wait: TimeSpan.FromSeconds(5)));
        var message = Assert.Single(received);
        Assert.True(sent.Elapsed >= TimeSpan.FromSeconds(1.9), $"delivered after {sent.Elapsed}");
        Assert.Equal(("reminder", 1), (Encoding.UTF8.GetString(message.Value.Span), message.DeliveryCount));
        await message.AckAsync();
        Assert.Equal(0, (await connection.GetQueueStatsAsync("orders", "orders")).Delayed);
        Assert.Contains(DocSample.Marked(), DocSample.Document("QUEUES.md"));
    }

    [Fact]
    public async Task Publish_with_a_delay_is_held_back_from_receive_and_shown_as_delayed()
    {
        Assert.Equal(0, (await Run(null, "queue", "create", "jobs")).ExitCode);
        Assert.Equal(0, (await Run("now\n", "publish", "jobs")).ExitCode);
        // Each command is a process of its own, slow to start on a busy machine: the delay leaves room for two of them.
        var sent = Stopwatch.StartNew();
        Assert.Equal(0, (await Run("later\n", "publish", "jobs", "--delay", "5s")).ExitCode);

        var received = Lines((await Run(null, "receive", "jobs", "--max", "10")).Stdout);
        var stats = Lines((await Run(null, "queue", "stats", "jobs")).Stdout);
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(5), $"the commands took {sent.Elapsed}: too slow to see the delay");
        Assert.Equal(["now"], received);
        Assert.Contains("delayed: 1", stats);
        Assert.Contains("visible: 0", stats);

        string[] later = [];
        for (int attempt = 0; attempt < 10 && later.Length == 0; attempt++)
            later = Lines((await Run(null, "receive", "jobs", "--max", "10", "--wait", "5s")).Stdout);
        Assert.Equal(["later"], later);
        Assert.True(sent.Elapsed >= TimeSpan.FromSeconds(4.9), $"delivered after {sent.Elapsed}");
        Assert.Contains("delayed: 0", Lines((await Run(null, "queue", "stats", "jobs")).Stdout));
    }
}
