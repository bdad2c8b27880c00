using System.Diagnostics;
using System.Globalization;
using FastBroker.ClientLite;

namespace FastBroker.Load;

/// <summary>
/// <c>dotnet run -c Release --project load -- publish [options]</c>: closed-loop publish throughput with ClientLite
/// producers against a running broker on loopback. Bounded by --count and --duration, whichever ends first.
/// </summary>
public static class LoadProgram
{
    private const string Usage = """
        usage: load publish [--server 127.0.0.1:7420] [--topic load] [--partitions 4] [--count 1000000]
                            [--size 100] [--producers 4] [--duration 60s] [--batch-bytes 262144] [--linger-ms 1]
                            [--window 65536]
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "publish")
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        if (!PublishSettings.TryParse(args[1..], out var settings, out string? error))
        {
            Console.Error.WriteLine($"error: {error}");
            return 2;
        }
        if (!settings.Server.StartsWith("127.", StringComparison.Ordinal) && !settings.Server.StartsWith("localhost:", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("error: the load harness only targets loopback addresses");
            return 2;
        }
        return await PublishScenario.RunAsync(settings).ConfigureAwait(false);
    }
}

public sealed record PublishSettings
{
    public string Server { get; init; } = "127.0.0.1:7420";
    public string Topic { get; init; } = "load";
    public int Partitions { get; init; } = 4;
    public long Count { get; init; } = 1_000_000;
    public int Size { get; init; } = 100;
    public int Producers { get; init; } = 4;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    public int BatchBytes { get; init; } = 256 * 1024;
    public double LingerMs { get; init; } = 1;
    public int Window { get; init; } = 65536;

    public static bool TryParse(string[] args, out PublishSettings settings, out string? error)
    {
        settings = new PublishSettings();
        error = null;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            var inv = CultureInfo.InvariantCulture;
            switch (args[i])
            {
                case "--server": settings = settings with { Server = value }; break;
                case "--topic": settings = settings with { Topic = value }; break;
                case "--partitions": settings = settings with { Partitions = int.Parse(value, inv) }; break;
                case "--count": settings = settings with { Count = long.Parse(value, inv) }; break;
                case "--size": settings = settings with { Size = int.Parse(value, inv) }; break;
                case "--producers": settings = settings with { Producers = int.Parse(value, inv) }; break;
                case "--duration": settings = settings with { Duration = TimeSpan.FromSeconds(double.Parse(value.TrimEnd('s'), inv)) }; break;
                case "--batch-bytes": settings = settings with { BatchBytes = int.Parse(value, inv) }; break;
                case "--linger-ms": settings = settings with { LingerMs = double.Parse(value, inv) }; break;
                case "--window": settings = settings with { Window = int.Parse(value, inv) }; break;
                default: error = $"unknown option {args[i]}"; return false;
            }
        }
        if (args.Length % 2 != 0) { error = "every option needs a value"; return false; }
        return true;
    }
}

public static class PublishScenario
{
    public static async Task<int> RunAsync(PublishSettings s)
    {
        await using (var admin = await BrokerConnection.ConnectAsync(s.Server).ConfigureAwait(false))
        {
            try { await admin.DeleteTopicAsync(s.Topic).ConfigureAwait(false); }
            catch (BrokerException) { }
            await admin.CreateTopicAsync(s.Topic, s.Partitions).ConfigureAwait(false);
        }

        var payload = new byte[s.Size];
        Random.Shared.NextBytes(payload);
        long perProducer = s.Count / s.Producers;
        using var deadline = new CancellationTokenSource(s.Duration);
        var clock = Stopwatch.StartNew();
        var tasks = new Task<long>[s.Producers];
        for (int p = 0; p < s.Producers; p++)
            tasks[p] = Task.Run(() => ProduceAsync(s, payload, perProducer, deadline.Token));

        long lastSent = 0;
        while (!Task.WhenAll(tasks).Wait(1000))
            lastSent = Report(clock, lastSent);
        long sent = 0;
        foreach (var t in tasks) sent += await t.ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"published {sent:N0} messages of {s.Size} B in {seconds:F2} s: {sent / seconds:N0} msg/s, {sent * (double)s.Size / seconds / 1e6:F1} MB/s payload");
        return 0;
    }

    private static long _acked;

    private static long Report(Stopwatch clock, long last)
    {
        long now = Interlocked.Read(ref _acked);
        Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s  {now - last,12:N0} msg/s  total {now:N0}");
        return now;
    }

    private static async Task<long> ProduceAsync(PublishSettings s, byte[] payload, long count, CancellationToken deadline)
    {
        await using var connection = await BrokerConnection.ConnectAsync(s.Server).ConfigureAwait(false);
        var options = new ProducerOptions { MaxBatchBytes = s.BatchBytes, Linger = TimeSpan.FromMilliseconds(s.LingerMs) };
        await using var producer = await connection.CreateProducerAsync(s.Topic, options).ConfigureAwait(false);
        var window = new ValueTask<long>[s.Window];
        long sent = 0;
        for (; sent < count && !deadline.IsCancellationRequested; sent++)
        {
            int slot = (int)(sent % window.Length);
            if (sent >= window.Length)
            {
                await window[slot].ConfigureAwait(false);
                Interlocked.Increment(ref _acked);
            }
            window[slot] = producer.SendAsync(payload);
        }
        await producer.FlushAsync().ConfigureAwait(false);
        long outstanding = Math.Min(sent, window.Length);
        for (long i = sent - outstanding; i < sent; i++)
        {
            await window[(int)(i % window.Length)].ConfigureAwait(false);
            Interlocked.Increment(ref _acked);
        }
        return sent;
    }
}
