using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>A fake broker with the one-partition topic "t", and a producer on it whose connection runs on a fake clock.</summary>
internal static class ProducerOnFakeClock
{
    public static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly long NowMs = Now.ToUnixTimeMilliseconds();

    /// <summary>Everything is the caller's to dispose. Without options the producer lingers an hour: it sends on flush.</summary>
    public static async Task<(FakeBroker Broker, BrokerConnection Connection, Producer Producer)> StartAsync(FakeTimeProvider time, ProducerOptions? options = null)
    {
        var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        var connection = await BrokerConnection.ConnectAsync(broker.Endpoint, new BrokerConnectionOptions { TimeProvider = time });
        var producer = await connection.CreateProducerAsync("t", options ?? new ProducerOptions { Linger = TimeSpan.FromHours(1) });
        return (broker, connection, producer);
    }
}
