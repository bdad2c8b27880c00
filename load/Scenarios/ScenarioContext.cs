using FastBroker.Load.Measurement;
using FastBroker.Load.Runs;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Scenarios;

/// <summary>What a scenario runs with: its settings, the prepared target, the clock, the counters and the monitor.</summary>
internal sealed class ScenarioContext
{
    /// <summary>Creates a context; the runner owns every part and disposes the target.</summary>
    public ScenarioContext(RunSettings settings, IBrokerTarget target, TimeProvider time, RunMetrics metrics,
        ProgressMonitor monitor, IPacer pacer, string consumerGroup, CancellationToken cancellation)
    {
        Settings = settings;
        Target = target;
        Time = time;
        Metrics = metrics;
        Monitor = monitor;
        Pacer = pacer;
        ConsumerGroup = consumerGroup;
        Cancellation = cancellation;
    }

    /// <summary>The validated command line.</summary>
    public RunSettings Settings { get; }

    /// <summary>The broker, already prepared (topic recreated empty).</summary>
    public IBrokerTarget Target { get; }

    /// <summary>The clock every timestamp comes from.</summary>
    public TimeProvider Time { get; }

    /// <summary>Counters and latency histograms.</summary>
    public RunMetrics Metrics { get; }

    /// <summary>Prints progress and keeps per-second samples.</summary>
    public ProgressMonitor Monitor { get; }

    /// <summary>Waits for open-loop send times.</summary>
    public IPacer Pacer { get; }

    /// <summary>Group name for this run's consumers, unique per run so no earlier run's positions apply.</summary>
    public string ConsumerGroup { get; }

    /// <summary>Samples the broker's resident memory at phase edges (--rss-pid); null when not asked for.</summary>
    public MemorySampler? BrokerMemory { get; init; }

    /// <summary>Cancelled by Ctrl-C or SIGTERM.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Opens <see cref="RunSettings.Producers"/> publishers; on failure closes those already open.</summary>
    public async Task<IPublisher[]> CreatePublishersAsync()
    {
        var publishers = new List<IPublisher>(Settings.Producers);
        try
        {
            for (int i = 0; i < Settings.Producers; i++)
                publishers.Add(await Target.CreatePublisherAsync(Cancellation).ConfigureAwait(false));
            return [.. publishers];
        }
        catch
        {
            await DisposeAllAsync(publishers).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens <see cref="RunSettings.Consumers"/> consumers in <see cref="ConsumerGroup"/>; on failure closes those already open.</summary>
    public async Task<IConsumer[]> CreateConsumersAsync()
    {
        var consumers = new List<IConsumer>(Settings.Consumers);
        try
        {
            for (int i = 0; i < Settings.Consumers; i++)
                consumers.Add(await Target.CreateConsumerAsync(ConsumerGroup, Cancellation).ConfigureAwait(false));
            return [.. consumers];
        }
        catch
        {
            await DisposeAllAsync(consumers).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A payload of <see cref="RunSettings.Size"/> random bytes (incompressible, like real data).</summary>
    public byte[] NewPayload()
    {
        var payload = new byte[Settings.Size];
        Random.Shared.NextBytes(payload);
        return payload;
    }

    /// <summary>Disposes every item, even when one fails, then throws the first failure.</summary>
    public static async Task DisposeAllAsync(IEnumerable<IAsyncDisposable> items)
    {
        Exception? first = null;
        foreach (var item in items)
        {
            try
            {
                await item.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                first ??= e;
            }
        }
        if (first is not null)
            throw first;
    }
}
