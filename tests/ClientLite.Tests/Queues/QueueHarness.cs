using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests.Queues;

/// <summary>A fake broker with a queue on it and a client connection to it, for queue tests.</summary>
internal sealed class QueueHarness : IAsyncDisposable
{
    private QueueHarness(FakeBroker broker, BrokerConnection connection, FakeTimeProvider? time)
    {
        Broker = broker;
        Connection = connection;
        Time = time;
    }

    public FakeBroker Broker { get; }

    public BrokerConnection Connection { get; }

    public FakeTimeProvider? Time { get; }

    public FakeStore Store => Broker.Store;

    /// <summary>Starts a broker with queue "jobs" (<paramref name="partitions"/> partitions) and connects to it.</summary>
    public static async Task<QueueHarness> StartAsync(int partitions = 1, QueueOptions? options = null, FakeTimeProvider? time = null)
    {
        var broker = new FakeBroker(time);
        var connection = await BrokerConnection.ConnectAsync(broker.Endpoint,
            time is null ? null : new BrokerConnectionOptions { TimeProvider = time });
        await connection.CreateQueueAsync("jobs", options, partitions);
        return new QueueHarness(broker, connection, time);
    }

    /// <summary>Appends one batch of <paramref name="values"/> to a partition of "jobs" and lets push subscriptions have it.</summary>
    public long Publish(int partition, params string[] values)
    {
        long first = Store.Append("jobs", partition, TestBatches.Of(values));
        Broker.Pump();
        return first;
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Broker.DisposeAsync();
    }

    public static string Text(QueueMessage message) => Encoding.UTF8.GetString(message.Value.Span);

    public static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>The last request of <paramref name="opcode"/> the broker saw.</summary>
    public FakeRequest Last(Opcode opcode) => Broker.Requests.Last(r => r.Opcode == opcode);
}
