using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>A shared subscription created at a start position and reset later, through the real binary: ClientLite,
/// the command line, a restart.</summary>
public sealed class SubscriptionStartTests
{
    private static async Task<List<string>> DrainAsync(QueueConsumer queue)
    {
        var values = new List<string>();
        while (true)
        {
            var batch = await queue.ReceiveAsync(maxMessages: 100, wait: TimeSpan.Zero);
            if (batch.Count == 0) return values;
            foreach (var message in batch)
            {
                values.Add(Encoding.UTF8.GetString(message.Value.Span));
                await message.AckAsync();
            }
        }
    }

    [Fact]
    public async Task A_subscription_created_at_earliest_gets_the_history_and_a_reset_back_delivers_it_again_after_a_restart()
    {
        string data = TempDirectories.Create("substart");
        try
        {
            await using (var broker = await BrokerProcess.StartAsync(data))
            {
                Assert.Equal(0, (await Cli.RunAsync(broker.Address, null, "topic", "create", "orders")).ExitCode);
                Assert.Equal(0, (await Cli.RunAsync(broker.Address, "a\nb\nc\n", "publish", "orders")).ExitCode);

                await using var conn = await BrokerConnection.ConnectAsync(broker.Address);
                await conn.CreateSubscriptionAsync("orders", "history", new QueueOptions { Start = StartPosition.Earliest });
                await conn.CreateSubscriptionAsync("orders", "fresh");
                var created = await Cli.RunAsync(broker.Address, null, "queue", "create", "from-one", "--topic", "orders", "--from", "1");
                Assert.Equal(0, created.ExitCode);

                await using (var history = conn.OpenSubscription("orders", "history"))
                    Assert.Equal(["a", "b", "c"], await DrainAsync(history));
                await using (var fresh = conn.OpenSubscription("orders", "fresh"))
                    Assert.Empty(await DrainAsync(fresh));
                await using (var fromOne = conn.OpenSubscription("orders", "from-one"))
                    Assert.Equal(["b", "c"], await DrainAsync(fromOne));

                // Everything acked: moving back to the start delivers it all again, and says where each partition is.
                var reset = await Cli.RunAsync(broker.Address, null, "queue", "reset", "history", "--topic", "orders", "--to", "earliest");
                Assert.True(reset.ExitCode == 0, reset.Stderr);
                Assert.Contains("0", reset.Stdout);
            }

            await using (var restarted = await BrokerProcess.StartAsync(data))
            {
                await using var conn = await BrokerConnection.ConnectAsync(restarted.Address);
                await using var history = conn.OpenSubscription("orders", "history");
                var held = await history.ReceiveAsync(maxMessages: 1);
                Assert.Equal("a", Encoding.UTF8.GetString(Assert.Single(held).Value.Span));

                // A message in flight: the reset is refused and nothing moves.
                var busy = await Assert.ThrowsAsync<BrokerException>(async () => await conn.ResetSubscriptionAsync("orders", "history", StartPosition.Latest));
                Assert.Equal(ErrorCode.SubscriptionBusy, busy.Code);
                await held[0].AckAsync();
                Assert.Equal(["b", "c"], await DrainAsync(history));

                var forward = await conn.ResetSubscriptionAsync("orders", "history", StartPosition.Latest);
                Assert.Equal(3, Assert.Single(forward).Offset);
            }
        }
        finally
        {
            TempDirectories.Delete(data);
        }
    }
}
