using FastBroker.Load.Targets;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// Runs a scenario's consumers and decides when they are done: when they have handled every message expected
/// (known once the publishers finish), when the deadline passes, or — as an error — when none of them has
/// received anything for the idle timeout while messages are still expected (the run fails rather than hangs).
/// Progress is judged over all consumers together: one that owns only drained partitions may rightly idle.
/// </summary>
internal sealed class ConsumerRun
{
    // Completion is noticed within this; elapsed time comes from the last message's own timestamp, not from this.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    private readonly ScenarioContext _context;
    private readonly IConsumer[] _consumers;
    private readonly ConsumerProbe[] _probes;
    private readonly CancellationTokenSource _stop;
    private Task<long>[] _tasks = [];
    private long _expected = long.MaxValue;

    /// <summary>Prepares a run of <paramref name="consumers"/>, measuring latency when <paramref name="measureLatency"/>;
    /// consumer i records what it receives into <paramref name="ledgers"/>[i] when given (fan-out).</summary>
    public ConsumerRun(ScenarioContext context, IConsumer[] consumers, bool measureLatency, IReadOnlyList<DeliveryLedger>? ledgers = null)
    {
        _context = context;
        _consumers = consumers;
        _probes = new ConsumerProbe[consumers.Length];
        for (int i = 0; i < consumers.Length; i++)
        {
            var latency = measureLatency ? context.Metrics.AddLatencyRecorder() : null;
            _probes[i] = new ConsumerProbe(context.Metrics.AddConsumer(), latency, context.Time, ledgers?[i]);
        }
        _stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
    }

    /// <summary>What the consumers did.</summary>
    /// <param name="Consumed">Messages handled.</param>
    /// <param name="LastTimestamp">When the last message was handled (0 when none was).</param>
    /// <param name="AllExpected">True when every expected message was handled.</param>
    /// <param name="Error">Why consuming failed, or null.</param>
    public readonly record struct Outcome(long Consumed, long LastTimestamp, bool AllExpected, string? Error);

    /// <summary>Starts every consumer.</summary>
    public void Start()
    {
        _tasks = new Task<long>[_consumers.Length];
        for (int i = 0; i < _consumers.Length; i++)
        {
            var consumer = _consumers[i];
            var handler = _probes[i].Handler;
            _tasks[i] = Task.Run(() => consumer.ConsumeAsync(handler, _stop.Token));
        }
    }

    /// <summary>Sets how many messages the consumers should handle in all; until then they run to the deadline.</summary>
    public void SetExpected(long messages) => Volatile.Write(ref _expected, messages);

    /// <summary>Stops the consumers early (the publishers failed).</summary>
    public void Cancel() => _stop.Cancel();

    /// <summary>
    /// Waits until the consumers are done (see the class summary) or <paramref name="deadline"/> (a timestamp)
    /// passes, then stops them and waits for them to return.
    /// </summary>
    public async Task<Outcome> WaitAsync(long deadline)
    {
        var time = _context.Time;
        var idleTimeout = _context.Settings.IdleTimeout;
        long lastProgress = time.GetTimestamp();
        long lastCount = 0;
        string? error = null;
        bool allExpected = false;
        while (!_stop.IsCancellationRequested)
        {
            long consumed = Consumed();
            long now = time.GetTimestamp();
            long expected = Volatile.Read(ref _expected);
            if (consumed >= expected)
            {
                allExpected = true;
                break;
            }
            if (FirstFailure() is { } failure)
            {
                error = $"a consumer failed: {Workers.Describe(failure)}";
                break;
            }
            if (consumed != lastCount)
            {
                (lastCount, lastProgress) = (consumed, now);
            }
            else if (time.GetElapsedTime(lastProgress, now) >= idleTimeout)
            {
                string of = expected == long.MaxValue ? "" : $" of {expected:N0}";
                error = $"consumers received nothing for {idleTimeout.TotalSeconds:0.###} s (idle timeout) after {consumed:N0}{of} messages";
                break;
            }
            if (now >= deadline)
                break;
            try
            {
                await Task.Delay(PollInterval, time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Cancelled by the user or by Cancel(): fall through to stopping the consumers.
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var task in _tasks)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping a consumer by cancellation is how every run ends.
            }
            catch (Exception e)
            {
                error ??= $"a consumer failed: {Workers.Describe(e)}";
            }
        }
        _stop.Dispose();
        long last = 0;
        foreach (var probe in _probes)
            last = Math.Max(last, probe.Stats.LastTimestamp);
        return new Outcome(Consumed(), last, allExpected, error);
    }

    /// <summary>When each consumer handled its last message (0 when it handled none), by consumer index.</summary>
    public long[] LastTimestamps()
    {
        var last = new long[_probes.Length];
        for (int i = 0; i < last.Length; i++)
            last[i] = _probes[i].Stats.LastTimestamp;
        return last;
    }

    private long Consumed()
    {
        long total = 0;
        foreach (var probe in _probes)
            total += probe.Stats.Count;
        return total;
    }

    private Exception? FirstFailure()
    {
        foreach (var task in _tasks)
        {
            if (task.IsFaulted)
                return task.Exception!.InnerException ?? task.Exception;
        }
        return null;
    }
}
