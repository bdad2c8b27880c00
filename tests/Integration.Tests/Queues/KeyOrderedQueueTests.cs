using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>Key-ordered queues against the real process: pull and push consumers in parallel, nacks, the CLI.</summary>
public sealed class KeyOrderedQueueTests
{
    private const int Keys = 24;
    private const int PerKey = 15;

    // What the consumers saw, shared by all of them: per key the sequence numbers processed (acked), and which keys
    // have a message out right now.
    private sealed class Ledger
    {
        private readonly Dictionary<string, List<int>> _processed = [];
        private readonly HashSet<string> _out = [];
        private readonly List<string> _violations = [];
        private int _total;

        public int Total => Volatile.Read(ref _total);
        public IReadOnlyList<string> Violations => _violations;

        // Called for every delivery: true to ack it, false to nack it (the first delivery of every fifth message).
        public bool Take(QueueMessage message)
        {
            string key = Encoding.UTF8.GetString(message.Key.Span);
            int sequence = int.Parse(Encoding.UTF8.GetString(message.Value.Span).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            lock (_processed)
            {
                if (!_out.Add(key)) _violations.Add($"{key}:{sequence} delivered while another message of {key} was out");
                if (message.DeliveryCount == 1 && sequence % 5 == 2)
                {
                    _out.Remove(key);
                    return false;
                }
                var seen = _processed.TryGetValue(key, out var list) ? list : _processed[key] = [];
                if (sequence != seen.Count) _violations.Add($"{key}:{sequence} processed after {seen.Count} of its key");
                seen.Add(sequence);
                // Released before the ack goes: the broker sends the key's next message only once it has the ack.
                _out.Remove(key);
                _total++;
                return true;
            }
        }

        public Dictionary<string, List<int>> Processed
        {
            get
            {
                lock (_processed) return _processed.ToDictionary(p => p.Key, p => p.Value.ToList());
            }
        }
    }

    [Fact]
    public async Task Pull_and_push_consumers_process_each_keys_messages_strictly_in_order_with_nacks()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var admin = await BrokerConnection.ConnectAsync(broker.Address);
        await admin.CreateQueueAsync("jobs", new QueueOptions { Ordering = QueueOrdering.Key }, partitions: 2);
        Assert.Equal(QueueOrdering.Key, (await admin.GetQueueStatsAsync("jobs", "jobs")).Ordering);

        await using (var producer = await admin.CreateProducerAsync("jobs"))
        {
            var sends = new List<ValueTask<long>>();
            // Interleaved, so every batch holds many keys and each key spans many batches.
            for (int s = 0; s < PerKey; s++)
                for (int k = 0; k < Keys; k++)
                    sends.Add(producer.SendAsync(Encoding.UTF8.GetBytes($"k{k}:{s}"), Encoding.UTF8.GetBytes($"k{k}")));
            await producer.FlushAsync();
            foreach (var send in sends) await send;
        }

        var ledger = new Ledger();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var pullers = Enumerable.Range(0, 2).Select(_ => PullAsync(broker.Address, ledger, timeout.Token)).ToList();
        var pusher = PushAsync(broker.Address, ledger, timeout.Token);
        await Task.WhenAll([.. pullers, pusher]);

        Assert.Empty(ledger.Violations);
        Assert.Equal(Keys * PerKey, ledger.Total);
        var processed = ledger.Processed;
        Assert.Equal(Keys, processed.Count);
        Assert.All(processed.Values, seen => Assert.Equal(Enumerable.Range(0, PerKey), seen));
        var stats = await admin.GetQueueStatsAsync("jobs", "jobs");
        Assert.Equal(0, stats.Depth);
    }

    private static async Task PullAsync(string address, Ledger ledger, CancellationToken cancel)
    {
        await using var connection = await BrokerConnection.ConnectAsync(address);
        await using var consumer = connection.OpenQueue("jobs");
        while (ledger.Total < Keys * PerKey)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = await consumer.ReceiveAsync(7, TimeSpan.FromMilliseconds(100), cancellationToken: cancel);
            foreach (var message in batch)
            {
                if (ledger.Take(message)) await message.AckAsync(cancel);
                else await message.NackAsync(cancellationToken: cancel);
            }
        }
    }

    private static async Task PushAsync(string address, Ledger ledger, CancellationToken cancel)
    {
        await using var connection = await BrokerConnection.ConnectAsync(address);
        await using var consumer = connection.OpenQueue("jobs");
        await using var subscription = await consumer.SubscribeAsync(new PushOptions { Prefetch = 10 }, cancel);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var watcher = Task.Run(async () =>
        {
            while (ledger.Total < Keys * PerKey) await Task.Delay(20, cancel);
            await done.CancelAsync();
        }, cancel);
        try
        {
            await foreach (var message in subscription.ReadAllAsync(done.Token))
            {
                if (ledger.Take(message)) await message.AckAsync(cancel);
                else await message.NackAsync(cancellationToken: cancel);
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            // Everything is processed: the watcher ended the push loop.
        }
        await watcher;
    }

    [Fact]
    public async Task The_cli_creates_a_key_ordered_queue_and_stats_show_its_ordering()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
        await connection.CreateTopicAsync("orders", 1);

        var created = await Cli.RunAsync(broker.Address, null, "queue", "create", "billing", "--topic", "orders", "--ordering", "key");
        Assert.True(created.ExitCode == 0, created.Stderr);
        var plain = await Cli.RunAsync(broker.Address, null, "queue", "create", "audit", "--topic", "orders");
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        var wrong = await Cli.RunAsync(broker.Address, null, "queue", "create", "other", "--topic", "orders", "--ordering", "fifo");
        Assert.NotEqual(0, wrong.ExitCode);

        var stats = await Cli.RunAsync(broker.Address, null, "queue", "stats", "billing", "--topic", "orders");
        Assert.True(stats.ExitCode == 0, stats.Stderr);
        Assert.Contains("ordering: key", stats.Stdout);
        Assert.Contains("ordering: none", (await Cli.RunAsync(broker.Address, null, "queue", "stats", "audit", "--topic", "orders")).Stdout);
        Assert.Equal(QueueOrdering.Key, (await connection.GetQueueStatsAsync("orders", "billing")).Ordering);
    }
}
