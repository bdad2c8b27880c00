using System.Text;
using FastBroker.ClientLite;
using FastBroker.ClientLite.Idempotency;
using FastBroker.Testing;
using FastBroker.Wire.Records;
using Microsoft.Data.Sqlite;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>The INSERT-first processed-id pattern of docs/QUEUES.md with a real database and the real broker.</summary>
public sealed class IdempotentConsumerTests : IAsyncLifetime
{
    private BrokerProcess _broker = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerProcess.StartAsync();
        _directory = TempDirectories.Create("processed-ids");
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TempDirectories.Delete(_directory);
    }

    [Fact]
    public async Task Duplicates_and_failed_attempts_leave_each_effect_exactly_once()
    {
        string database = $"Data Source={Path.Combine(_directory, "ledger.db")};Default Timeout=30";
        await using (var setup = new SqliteConnection(database))
        {
            await setup.OpenAsync();
            await using var create = setup.CreateCommand();
            create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE processed (id TEXT PRIMARY KEY); CREATE TABLE ledger (message_id TEXT, amount INTEGER);";
            await create.ExecuteNonQueryAsync();
        }

        await using var connection = await BrokerConnection.ConnectAsync(_broker.Address);
        await connection.CreateQueueAsync("payments", partitions: 2);
        await using (var producer = await connection.CreateProducerAsync("payments"))
        {
            // 100 payments, 30 of them published twice (a producer retry): 130 messages, 100 distinct ids.
            for (int i = 0; i < 130; i++)
            {
                int id = i < 100 ? i : i - 100;
                var header = new RecordHeader("message-id", Encoding.UTF8.GetBytes($"pay-{id}"));
                _ = producer.SendAsync(Encoding.UTF8.GetBytes("10"), partition: i % 2, headers: new[] { header });
            }
            await producer.FlushAsync();
        }

        var store = new SqliteProcessedIdStore(database);
        static string IdOf(QueueMessage m) => m.TryGetHeader("message-id", out var id) ? Encoding.UTF8.GetString(id.Span) : $"{m.Partition}/{m.Offset}";
        int handled = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var handler = IdempotentHandler.Wrap(store, IdOf, async (message, ct) =>
        {
            string id = IdOf(message);
            var transaction = store.TransactionFor(id);
            await using var insert = transaction.Connection!.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO ledger (message_id, amount) VALUES ($id, $amount)";
            insert.Parameters.Add(new SqliteParameter("$id", id));
            insert.Parameters.Add(new SqliteParameter("$amount", int.Parse(Encoding.UTF8.GetString(message.Value.Span))));
            await insert.ExecuteNonQueryAsync(ct);
            // Every payment whose number ends in 3 fails after its side effect on the first delivery: the
            // rollback must take the ledger row back with the mark.
            if (message.DeliveryCount == 1 && id.EndsWith('3')) throw new InvalidOperationException("downstream failed");
            await store.CommitAsync(id, ct);
            Interlocked.Increment(ref handled);
        });

        await using var consumer = connection.OpenQueue("payments");
        var consuming = consumer.ConsumeAsync(handler, new ConsumeOptions { Prefetch = 16, MaxDegreeOfParallelism = 4 }, stop.Token);
        // Every message settles: distinct payments are handled, duplicates are skipped (and acked).
        for (int i = 0; i < 600 && !stop.IsCancellationRequested; i++)
        {
            var stats = await connection.GetQueueStatsAsync("payments", "payments");
            if (stats.Acked == 130) stop.Cancel();
            else await Task.Delay(50);
        }
        await consuming;

        await using var check = new SqliteConnection(database);
        await check.OpenAsync();
        await using var query = check.CreateCommand();
        query.CommandText = "SELECT COUNT(*), COUNT(DISTINCT message_id), SUM(amount) FROM ledger";
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(100, reader.GetInt64(0));
        Assert.Equal(100, reader.GetInt64(1));
        Assert.Equal(1000, reader.GetInt64(2));
        var final = await connection.GetQueueStatsAsync("payments", "payments");
        Assert.Equal(130, final.Acked);
        Assert.Equal(100, handled);
        Assert.Equal(0, final.Depth);
    }
}
