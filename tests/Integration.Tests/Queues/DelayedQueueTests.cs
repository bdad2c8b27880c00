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

    // What must not arrive yet is delayed by an hour, so how slow the machine is cannot matter; what must arrive is
    // delayed by seconds, and its delivery is only checked not to come early.
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
        await producer.SendDelayedAsync("tomorrow"u8.ToArray(), TimeSpan.FromHours(1));

        var received = new List<QueueMessage>(await queue.ReceiveAsync(maxMessages: 10, wait: TimeSpan.Zero));
        Assert.DoesNotContain(received, m => Encoding.UTF8.GetString(m.Value.Span) == "tomorrow");
        // A long poll is woken when the message becomes due; bounded by the attempts.
        for (int attempt = 0; attempt < 10 && received.Count == 0; attempt++)
            received.AddRange(await queue.ReceiveAsync(maxMessages: 10, wait: TimeSpan.FromSeconds(5)));
        var message = Assert.Single(received);
        Assert.True(sent.Elapsed >= TimeSpan.FromSeconds(1.9), $"delivered after {sent.Elapsed}");
        Assert.Equal(("reminder", 1), (Encoding.UTF8.GetString(message.Value.Span), message.DeliveryCount));
        await message.AckAsync();

        var stats = await connection.GetQueueStatsAsync("orders", "orders");
        Assert.Equal((0L, 0L, 1L), (stats.Visible, stats.InFlight, stats.Delayed));
        Assert.Contains(DocSample.Marked(), DocSample.Document("QUEUES.md"));
    }

    [Fact]
    public async Task Publish_with_a_delay_is_held_back_from_receive_and_shown_as_delayed()
    {
        Assert.Equal(0, (await Run(null, "queue", "create", "jobs")).ExitCode);
        Assert.Equal(0, (await Run("now\n", "publish", "jobs")).ExitCode);
        Assert.Equal(0, (await Run("tomorrow\n", "publish", "jobs", "--delay", "1h")).ExitCode);
        var sent = Stopwatch.StartNew();
        Assert.Equal(0, (await Run("soon\n", "publish", "jobs", "--delay", "2s")).ExitCode);

        var received = new List<string>(Lines((await Run(null, "receive", "jobs", "--max", "10")).Stdout));
        Assert.Equal("now", received[0]);
        Assert.DoesNotContain("tomorrow", received);
        for (int attempt = 0; attempt < 10 && !received.Contains("soon"); attempt++)
            received.AddRange(Lines((await Run(null, "receive", "jobs", "--max", "10", "--wait", "5s")).Stdout));
        Assert.Equal(["now", "soon"], received);
        Assert.True(sent.Elapsed >= TimeSpan.FromSeconds(1.9), $"delivered after {sent.Elapsed}");

        var stats = Lines((await Run(null, "queue", "stats", "jobs")).Stdout);
        Assert.Contains("delayed: 1", stats);
        Assert.Contains("visible: 0", stats);
    }
}
