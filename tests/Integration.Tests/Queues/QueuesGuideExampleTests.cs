using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using FastBroker.ClientLite;
using FastBroker.ClientLite.Idempotency;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Records;
using Microsoft.Data.Sqlite;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>
/// The samples of docs/QUEUES.md (but the filtered queue's, in <see cref="FilteredQueueGuideExampleTests"/>), each
/// run against a real broker for the effect the guide promises; the guide must show exactly the marked code.
/// </summary>
public sealed class QueuesGuideExampleTests : IAsyncLifetime
{
    // Long enough for a slow machine; every test cancels its consumer as soon as it has seen what it waits for.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private BrokerProcess _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerProcess.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Creating_a_queue_applies_the_options_and_adds_a_second_subscription()
    {
        string endpoint = _broker.Address;

        // sample-begin: create
        await using var connection = await BrokerConnection.ConnectAsync(endpoint);

        // Topic "orders" (4 partitions) + shared subscription "orders".
        await connection.CreateQueueAsync("orders", new QueueOptions
        {
            VisibilityTimeout = TimeSpan.FromMinutes(2), // default 30 s, 1 ms .. 12 h
            MaxDeliveries = 5,                           // default 5, 1 .. 1000
            DeadLetterTopic = null,                      // default "orders.dlq"
            MaxInFlight = 100_000,                       // default; above it receives wait, pushes stall
            AckMode = QueueAckMode.Explicit,             // default; None = at-most-once
        }, partitions: 4);

        // A second, independent subscription on the same topic (its default DLQ: "orders.billing.dlq").
        await connection.CreateSubscriptionAsync("orders", "billing");
        // sample-end

        Assert.Equal(4, (await connection.GetTopicMetadataAsync("orders")).Partitions.Count);
        var orders = await connection.GetQueueStatsAsync("orders", "orders");
        Assert.Equal(TimeSpan.FromMinutes(2), orders.VisibilityTimeout);
        Assert.Equal(5, orders.MaxDeliveries);
        Assert.Equal("orders.dlq", orders.DeadLetterTopic);
        Assert.Equal(100_000, orders.MaxInFlight);
        Assert.Equal(QueueAckMode.Explicit, orders.AckMode);
        Assert.Equal("orders.billing.dlq", (await connection.GetQueueStatsAsync("orders", "billing")).DeadLetterTopic);
        var again = await Assert.ThrowsAsync<BrokerException>(async () => await connection.CreateQueueAsync("orders"));
        Assert.Equal(ErrorCode.SubscriptionExists, again.Code);
        AssertGuideShows("create");
    }

    [Fact]
    public async Task Pull_acks_what_was_handled_and_redelivers_a_nacked_message()
    {
        await using var connection = await BrokerConnection.ConnectAsync(_broker.Address);
        await connection.CreateQueueAsync("orders", partitions: 2);
        await PublishAsync(connection, "a", "b", "c");

        // sample-begin: pull
        // Receives from queue "orders" until `stopping` is canceled. `handle` is your code; it throws TimeoutException
        // for a failure worth trying again a little later.
        static async Task PullAsync(BrokerConnection connection, Func<QueueMessage, CancellationToken, ValueTask> handle,
            CancellationToken stopping)
        {
            await using var consumer = connection.OpenQueue("orders");   // or OpenSubscription("orders", "billing")
            while (!stopping.IsCancellationRequested)
            {
                // Up to 100 messages; waits up to 1 s when none is visible (the default and the maximum: 20 s). A short
                // wait notices `stopping` soon without canceling a receive (see below).
                var messages = await consumer.ReceiveAsync(maxMessages: 100, wait: TimeSpan.FromSeconds(1));
                foreach (var message in messages)
                {
                    try
                    {
                        await handle(message, stopping);   // message.Value, .Key, .Headers, .DeliveryCount, .Partition, .Offset
                        await message.AckAsync();
                    }
                    catch (TimeoutException)
                    {
                        await message.NackAsync(TimeSpan.FromSeconds(5));   // visible again in 5 s
                    }
                }
            }
        }
        // sample-end

        using var stopping = new CancellationTokenSource(Patience);
        var deliveries = new ConcurrentQueue<string>();
        var handled = new ConcurrentDictionary<string, int>();
        await PullAsync(connection, (message, ct) =>
        {
            string value = Encoding.UTF8.GetString(message.Value.Span);
            deliveries.Enqueue($"{value}#{message.DeliveryCount}");
            if (value == "b" && message.DeliveryCount == 1) throw new TimeoutException("the first try of b fails");
            handled[value] = message.DeliveryCount;
            if (handled.Count == 3) stopping.Cancel();
            return ValueTask.CompletedTask;
        }, stopping.Token);

        Assert.Equal(["a#1", "b#1", "b#2", "c#1"], deliveries.Order(StringComparer.Ordinal));
        var stats = await connection.GetQueueStatsAsync("orders", "orders");
        Assert.Equal(3, stats.Acked);
        Assert.Equal(0, stats.Depth);
        AssertGuideShows("pull");
    }

    [Fact]
    public async Task Push_hands_out_every_message_and_the_acks_reach_the_broker()
    {
        await using var connection = await BrokerConnection.ConnectAsync(_broker.Address);
        await connection.CreateQueueAsync("orders", partitions: 2);
        await PublishAsync(connection, "a", "b", "c");
        await using var consumer = connection.OpenQueue("orders");

        // sample-begin: push
        // Handles what is pushed to `consumer` until `stopping` is canceled (ReadAllAsync then throws
        // OperationCanceledException). `handle` is your code.
        static async Task PushAsync(QueueConsumer consumer, Func<QueueMessage, CancellationToken, ValueTask> handle,
            CancellationToken stopping)
        {
            await using var push = await consumer.SubscribeAsync(new PushOptions { Prefetch = 1000 });
            await foreach (var message in push.ReadAllAsync(stopping))
            {
                await handle(message, stopping);
                _ = message.AckAsync();   // or await it; acks are batched either way
            }
        }
        // sample-end

        using var stopping = new CancellationTokenSource(Patience);
        var handled = new ConcurrentQueue<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PushAsync(consumer, (message, ct) =>
        {
            handled.Enqueue(Encoding.UTF8.GetString(message.Value.Span));
            if (handled.Count == 3) stopping.Cancel();
            return ValueTask.CompletedTask;
        }, stopping.Token));

        Assert.Equal(["a", "b", "c"], handled.Order(StringComparer.Ordinal));
        await Eventually.HoldsAsync(async () => (await connection.GetQueueStatsAsync("orders", "orders")).Acked == 3, "the 3 acks are counted");
        Assert.Equal(0, (await connection.GetQueueStatsAsync("orders", "orders")).Depth);
        AssertGuideShows("push");
    }

    [Fact]
    public async Task The_handler_form_acks_what_returns_and_dead_letters_what_keeps_throwing()
    {
        await using var connection = await BrokerConnection.ConnectAsync(_broker.Address);
        await connection.CreateQueueAsync("orders", new QueueOptions { MaxDeliveries = 3 }, partitions: 2);
        await PublishAsync(connection, "10", "x", "20");
        await using var consumer = connection.OpenQueue("orders");

        // sample-begin: handler
        // Charges the orders of `consumer`, up to eight at once, until `stopping` is canceled.
        static async Task ChargeOrdersAsync(QueueConsumer consumer, CancellationToken stopping)
        {
            await consumer.ConsumeAsync(async (message, ct) =>
            {
                // return → ack; throw → nack (redeliver now), here a FormatException for a value that is not a number
                int amount = int.Parse(Encoding.UTF8.GetString(message.Value.Span));
                await Console.Out.WriteLineAsync($"charged {amount} for order {message.Partition}/{message.Offset}");
            }, new ConsumeOptions { MaxDegreeOfParallelism = 8, Prefetch = 1000 }, stopping);
        }
        // sample-end

        using var stopping = new CancellationTokenSource(Patience);
        Task consuming = ChargeOrdersAsync(consumer, stopping.Token);
        await Eventually.HoldsAsync(async () =>
        {
            var stats = await connection.GetQueueStatsAsync("orders", "orders");
            return stats.Acked == 2 && stats.DeadLettered == 1;
        }, "10 and 20 are acked and x is dead-lettered");
        await stopping.CancelAsync();
        await consuming;   // returns normally once canceled

        var final = await connection.GetQueueStatsAsync("orders", "orders");
        Assert.Equal(0, final.Depth);
        Assert.Equal(5, final.Delivered);   // 10 and 20 once, x three times
        Assert.Equal(1, await EndOffsetsAsync(connection, "orders.dlq"));
        AssertGuideShows("handler");
    }

    [Fact]
    public async Task Redrive_moves_a_dead_letter_back_to_the_queue()
    {
        await using var connection = await BrokerConnection.ConnectAsync(_broker.Address);
        await connection.CreateQueueAsync("orders", new QueueOptions { MaxDeliveries = 1 });
        await PublishAsync(connection, "a");
        await using var consumer = connection.OpenQueue("orders");
        var first = await consumer.ReceiveAsync(maxMessages: 1, wait: TimeSpan.FromSeconds(5));
        await consumer.NackAsync(first);   // the last allowed delivery: dead-lettered
        await Eventually.HoldsAsync(async () => (await connection.GetQueueStatsAsync("orders", "orders")).DeadLettered == 1, "a is dead-lettered");

        // sample-begin: redrive
        long moved = await connection.RedriveDeadLettersAsync("orders", "orders");
        // sample-end

        Assert.Equal(1, moved);
        var again = await consumer.ReceiveAsync(maxMessages: 10, wait: TimeSpan.FromSeconds(5));
        Assert.Equal("a", Encoding.UTF8.GetString(Assert.Single(again).Value.Span));
        Assert.False(again[0].TryGetHeader("fb-dlq-topic", out _));
        await consumer.AckAsync(again);
        Assert.Equal(1, (await connection.GetQueueStatsAsync("orders", "orders")).DeadLettered);
        AssertGuideShows("redrive", indent: 8);
    }

    [Fact]
    public async Task Consuming_with_reconnect_carries_on_after_the_broker_restarts()
    {
        string data = TempDirectories.Create("guide-reconnect");
        BrokerProcess? broker = await BrokerProcess.StartAsync(data);
        try
        {
            string endpoint = broker.Address;
            int port = broker.Endpoint.Port;
            await using (var admin = await BrokerConnection.ConnectAsync(endpoint))
            {
                await admin.CreateQueueAsync("orders");
                await PublishAsync(admin, "before");
            }

            // sample-begin: reconnect
            // Consumes queue "orders" with `handler` until `stopping` is canceled, connecting again after a connection loss
            // (or while the broker cannot be reached).
            static async Task ConsumeWithReconnectAsync(string endpoint, Func<QueueMessage, CancellationToken, ValueTask> handler,
                CancellationToken stopping)
            {
                var options = new ConsumeOptions { MaxDegreeOfParallelism = 8 };
                while (!stopping.IsCancellationRequested)
                {
                    try
                    {
                        await using var connection = await BrokerConnection.ConnectAsync(endpoint, cancellationToken: stopping);
                        await using var consumer = connection.OpenQueue("orders");
                        await consumer.ConsumeAsync(handler, options, stopping);
                    }
                    catch (BrokerConnectionException)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), stopping);
                    }
                }
            }
            // sample-end

            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var handled = new ConcurrentDictionary<string, bool>();
            Task consuming = ConsumeWithReconnectAsync(endpoint, (message, ct) =>
            {
                handled[Encoding.UTF8.GetString(message.Value.Span)] = true;
                return ValueTask.CompletedTask;
            }, stopping.Token);
            await Eventually.HoldsAsync(() => Task.FromResult(handled.ContainsKey("before")), "the first message is handled");

            await broker.KillAsync();
            await broker.DisposeAsync();
            broker = null;
            broker = await BrokerProcess.StartAsync(data, port);
            await using (var producer = await BrokerConnection.ConnectAsync(endpoint))
                await PublishAsync(producer, "after");
            await Eventually.HoldsAsync(() => Task.FromResult(handled.ContainsKey("after")), "the message published after the restart is handled");
            Assert.False(consuming.IsCompleted, "the consumer gave up");

            await stopping.CancelAsync();
            await consuming;   // canceled while consuming: returns normally
            AssertGuideShows("reconnect", indent: 12);
        }
        finally
        {
            if (broker is not null) await broker.DisposeAsync();
            TempDirectories.Delete(data);
        }
    }

    [Fact]
    public async Task The_idempotent_handler_charges_each_message_id_once()
    {
        await using var connection = await BrokerConnection.ConnectAsync(_broker.Address);
        await connection.CreateQueueAsync("orders", partitions: 2);
        await using (var producer = await connection.CreateProducerAsync("orders"))
        {
            // p1 and p2 are published twice (a producer retry), p3 once.
            foreach (string id in new[] { "p1", "p2", "p1", "p3", "p2" })
                _ = producer.SendAsync("10"u8.ToArray(), headers: new[] { new RecordHeader("message-id", Encoding.UTF8.GetBytes(id)) });
            await producer.FlushAsync();
        }
        await using var consumer = connection.OpenQueue("orders");

        // sample-begin: idempotent
        // Charges each message once per "message-id" header (else per partition/offset); `charge` is your code.
        static async Task ChargeOnceEachAsync(QueueConsumer consumer, Func<QueueMessage, CancellationToken, ValueTask> charge,
            CancellationToken stopping)
        {
            var store = new InMemoryProcessedIdStore(capacity: 100_000);
            var handler = IdempotentHandler.Wrap(store,
                idOf: m => m.TryGetHeader("message-id", out var id) ? Encoding.UTF8.GetString(id.Span) : $"{m.Partition}/{m.Offset}",
                handler: charge);
            await consumer.ConsumeAsync(handler, new ConsumeOptions { MaxDegreeOfParallelism = 8 }, stopping);
        }
        // sample-end

        using var stopping = new CancellationTokenSource(Patience);
        var charged = new ConcurrentQueue<string>();
        Task consuming = ChargeOnceEachAsync(consumer, (message, ct) =>
        {
            Assert.True(message.TryGetHeader("message-id", out var id));
            charged.Enqueue(Encoding.UTF8.GetString(id.Span));
            return ValueTask.CompletedTask;
        }, stopping.Token);
        await Eventually.HoldsAsync(async () => (await connection.GetQueueStatsAsync("orders", "orders")).Acked == 5, "all 5 messages are acked");
        await stopping.CancelAsync();
        await consuming;

        Assert.Equal(["p1", "p2", "p3"], charged.Order(StringComparer.Ordinal));
        AssertGuideShows("idempotent");
    }

    [Fact]
    public async Task The_database_store_commits_each_effect_with_its_mark_once()
    {
        string directory = TempDirectories.Create("guide-db");
        try
        {
            string database = $"Data Source={Path.Combine(directory, "accounts.db")};Default Timeout=30";
            await using var dataSource = SqliteFactory.Instance.CreateDataSource(database);
            await using (var setup = await dataSource.OpenConnectionAsync())
            await using (var create = setup.CreateCommand())
            {
                // "orders/0/1" stands for a message processed before (say, by a consumer that crashed before its ack).
                create.CommandText = """
                    CREATE TABLE processed (id TEXT PRIMARY KEY, processed_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
                    CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
                    INSERT INTO accounts VALUES (42, 1000);
                    INSERT INTO processed (id) VALUES ('orders/0/1');
                    """;
                await create.ExecuteNonQueryAsync();
            }

            await using var connection = await BrokerConnection.ConnectAsync(_broker.Address);
            await connection.CreateQueueAsync("orders");
            await PublishAsync(connection, "m0", "m1", "m2", "m3", "m4");
            await using var consumer = connection.OpenQueue("orders");

            // sample-begin: db-usage
            // Takes 10 from account 42 once per message of `consumer` (table "accounts" in `dataSource`).
            static async Task ChargeAccountAsync(QueueConsumer consumer, DbDataSource dataSource, CancellationToken stopping)
            {
                static string IdOf(QueueMessage m) => $"{m.Topic}/{m.Partition}/{m.Offset}";
                var store = new DbProcessedIdStore(dataSource);
                var handler = IdempotentHandler.Wrap(store, IdOf, async (message, ct) =>
                {
                    string id = IdOf(message);
                    var transaction = store.TransactionFor(id);
                    await using var update = transaction.Connection!.CreateCommand();
                    update.Transaction = transaction;
                    update.CommandText = "UPDATE accounts SET balance = balance - 10 WHERE id = 42";
                    await update.ExecuteNonQueryAsync(ct);
                    await store.CommitAsync(id, ct);
                });
                await consumer.ConsumeAsync(handler, new ConsumeOptions { MaxDegreeOfParallelism = 8 }, stopping);
            }
            // sample-end

            using var stopping = new CancellationTokenSource(Patience);
            Task consuming = ChargeAccountAsync(consumer, dataSource, stopping.Token);
            await Eventually.HoldsAsync(async () => (await connection.GetQueueStatsAsync("orders", "orders")).Acked == 5, "all 5 messages are acked");
            await stopping.CancelAsync();
            await consuming;

            await using var check = await dataSource.OpenConnectionAsync();
            Assert.Equal(960L, await ScalarAsync(check, "SELECT balance FROM accounts WHERE id = 42"));   // 4 charges, not 5
            Assert.Equal(5L, await ScalarAsync(check, "SELECT count(*) FROM processed"));
            AssertGuideShows("db-usage", indent: 12);
            Assert.Contains(DocSample.MarkedIn("DbProcessedIdStore.cs", "db-store", indent: 0), DocSample.Document("QUEUES.md"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TempDirectories.Delete(directory);
        }
    }

    private static void AssertGuideShows(string sample, int indent = 8, [System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Assert.Contains(DocSample.Marked(sample, indent, path), DocSample.Document("QUEUES.md", path));

    private static async Task PublishAsync(BrokerConnection connection, params string[] values)
    {
        await using var producer = await connection.CreateProducerAsync("orders");
        for (int i = 0; i < values.Length; i++)
            _ = producer.SendAsync(Encoding.UTF8.GetBytes(values[i]));
        await producer.FlushAsync();
    }

    private static async Task<long> EndOffsetsAsync(BrokerConnection connection, string topic)
    {
        long total = 0;
        foreach (var partition in (await connection.GetTopicMetadataAsync(topic)).Partitions)
            total += partition.EndOffset;
        return total;
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
