using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests.Peers;

/// <summary>The publish and consume steps every peer target test shares, all bounded in time.</summary>
public static class PeerScenario
{
    public const int MessageCount = 2000;
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const int Window = 128;

    /// <summary>Publishes payloads <paramref name="first"/> .. first+count-1 with up to 128 in flight, all from one
    /// buffer that is rewritten as soon as each call returns: a target that keeps a reference to the caller's
    /// memory instead of copying it delivers corrupt payloads.</summary>
    public static async Task PublishAsync(IPublisher publisher, int first, int count, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[MessageTally.PayloadSize];
        var window = new ValueTask[Window];
        for (int i = 0; i < count; i++)
        {
            int slot = i % Window;
            if (i >= Window)
                await window[slot];
            MessageTally.Fill(buffer, first + i);
            window[slot] = publisher.PublishAsync(buffer, cancellationToken);
        }
        await publisher.FlushAsync(cancellationToken);
        for (int i = Math.Max(0, count - Window); i < count; i++)
            await window[i % Window];
    }

    /// <summary>Publishes <paramref name="count"/> payloads from <paramref name="writers"/> tasks on the thread pool at
    /// once, each with its own window, through the one publisher: publishers must be safe for concurrent calls.</summary>
    public static Task PublishConcurrentlyAsync(IPublisher publisher, int count, int writers, CancellationToken cancellationToken)
    {
        var tasks = new Task[writers];
        int share = count / writers;
        for (int w = 0; w < writers; w++)
        {
            int first = w * share;
            int mine = w == writers - 1 ? count - first : share;
            tasks[w] = Task.Run(() => PublishAsync(publisher, first, mine, cancellationToken), cancellationToken);
        }
        return Task.WhenAll(tasks);
    }

    /// <summary>Consumes until <paramref name="count"/> deliveries were recorded, the handler saying stop.</summary>
    public static Task<long> ConsumeAsync(IConsumer consumer, MessageTally tally, int count, CancellationToken cancellationToken) =>
        consumer.ConsumeAsync(payload => tally.Record(payload) < count, cancellationToken);
}
