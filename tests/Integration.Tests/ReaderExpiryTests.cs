using System.Text;
using FastBroker.ClientLite;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>Per-message expiry end to end: the producer's fb-expires header survives the broker, readers skip what has expired.</summary>
public sealed class ReaderExpiryTests
{
    [Fact]
    public async Task A_reader_skips_messages_published_already_expired_and_yields_the_rest()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
        await connection.CreateTopicAsync("alerts", 1);
        var future = DateTimeOffset.UtcNow.AddHours(1);
        await using (var producer = await connection.CreateProducerAsync("alerts"))
        {
            _ = producer.SendAsync("past"u8.ToArray(), DateTimeOffset.UtcNow.AddMinutes(-1));
            _ = producer.SendAsync("future"u8.ToArray(), future);
            _ = producer.SendAsync("ttl"u8.ToArray(), TimeSpan.FromHours(1));
            _ = producer.SendAsync("plain"u8.ToArray());
            _ = producer.SendAsync("last-past"u8.ToArray(), DateTimeOffset.UnixEpoch);
            _ = producer.SendAsync("end"u8.ToArray());
            await producer.FlushAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var unexpired = new List<(long Offset, string Value, DateTimeOffset? ExpiresAt, long TimestampMs)>();
        await using (var reader = new TopicReader(broker.Address, "alerts", new TopicReaderOptions { Group = "g" }))
        {
            await foreach (var message in reader.ReadAllAsync(timeout.Token))
            {
                unexpired.Add((message.Offset, Encoding.UTF8.GetString(message.Value.Span), message.ExpiresAt, message.TimestampMs));
                if (message.Offset == 5)
                    break;
            }
            await reader.CommitAsync();
        }
        Assert.Equal(["future", "ttl", "plain", "end"], unexpired.Select(m => m.Value));
        Assert.Equal([1L, 2, 3, 5], unexpired.Select(m => m.Offset));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(future.ToUnixTimeMilliseconds()), unexpired[0].ExpiresAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(unexpired[1].TimestampMs + 3_600_000), unexpired[1].ExpiresAt);
        Assert.Null(unexpired[2].ExpiresAt);
        Assert.Equal(6, await connection.ReadPositionAsync("g", "alerts", 0));

        var everything = new List<string>();
        await using (var reader = new TopicReader(broker.Address, "alerts", new TopicReaderOptions { IncludeExpired = true }))
        {
            await foreach (var message in reader.ReadAllAsync(timeout.Token))
            {
                everything.Add(Encoding.UTF8.GetString(message.Value.Span));
                if (message.Offset == 5)
                    break;
            }
        }
        Assert.Equal(["past", "future", "ttl", "plain", "last-past", "end"], everything);
    }
}
