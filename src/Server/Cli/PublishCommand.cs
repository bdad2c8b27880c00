using System.CommandLine;
using System.Text;
using FastBroker.ClientLite;

namespace FastBroker.Server.Cli;

/// <summary><c>publish NAME [--key K] [--partition P] [--ttl DURATION | --expires-at TIME]</c>: one message per stdin line.</summary>
internal static class PublishCommand
{
    // Acknowledgements are collected in windows so a long stdin does not hold one task per line.
    private const int Window = 4096;

    public static Command Build(CliConsole console, Option<string> server)
    {
        var command = new Command("publish", "Publish one message per line of standard input (UTF-8, without the newline)");
        var name = CliOptions.TopicName();
        var key = new Option<string?>("--key") { Description = "Key for every message (chooses the partition)" };
        var partition = CliOptions.OptionalInt("--partition", "Publish to this partition", 0);
        var ttl = CliOptions.Parsed<TimeSpan>("--ttl", "Every message expires this long after it is sent (e.g. 30s, 10m, at most 24h)",
            "DURATION", CliValues.TryParseDuration, "a duration", "500ms, 30s, 10m, at most 24h");
        var expiresAt = CliOptions.Parsed<DateTimeOffset>("--expires-at",
            "Every message expires at this time: ISO 8601 (UTC unless it has an offset) or milliseconds since the Unix epoch",
            "TIME", CliValues.TryParseTime, "a time", "2030-01-31T12:00:00Z or Unix milliseconds");
        command.Arguments.Add(name);
        command.Options.Add(key);
        command.Options.Add(partition);
        command.Options.Add(ttl);
        command.Options.Add(expiresAt);
        command.Validators.Add(result =>
        {
            if (result.GetResult(ttl) is not null && result.GetResult(expiresAt) is not null)
                result.AddError("use --ttl or --expires-at, not both");
        });
        command.SetAction((result, ct) =>
        {
            string topic = result.GetValue(name)!;
            var expiry = new Expiry(result.GetValue(ttl), result.GetValue(expiresAt));
            return CliErrors.GuardAsync(console, topic,
                () => RunAsync(console, result.GetValue(server)!, topic, result.GetValue(key), result.GetValue(partition), expiry, ct), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string server, string topic, string? keyText, int? partition, Expiry expiry, CancellationToken ct)
    {
        await using var connection = await BrokerConnection.ConnectAsync(server, null, ct).ConfigureAwait(false);
        var options = new ProducerOptions { DefaultTimeToLive = expiry.TimeToLive };
        await using var producer = await connection.CreateProducerAsync(topic, options, ct).ConfigureAwait(false);
        if (partition >= producer.PartitionCount)
        {
            console.Fail($"topic '{topic}' has {producer.PartitionCount} partitions; there is no partition {partition}");
            return ClientCli.ExitFailure;
        }

        ReadOnlyMemory<byte>? key = keyText is null ? null : Encoding.UTF8.GetBytes(keyText);
        var tally = new Tally();
        var window = new List<ValueTask<long>>(Window);
        while (await console.In.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            byte[] value = Encoding.UTF8.GetBytes(line);
            window.Add(expiry.At is { } at
                ? producer.SendAsync(value, at, key, partition, default, ct)
                : producer.SendAsync(value, key, partition, default, ct));
            if (window.Count == Window)
                await tally.DrainAsync(window).ConfigureAwait(false);
        }

        try
        {
            await producer.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (ProducerException)
        {
            // Each failed message is counted, with its reason, from its own result below.
        }
        await tally.DrainAsync(window).ConfigureAwait(false);

        if (tally.Failed > 0)
        {
            console.Fail($"{tally.Failed} of {tally.Failed + tally.Published} messages were not published: {CliErrors.Describe(tally.FirstError!, topic, ct) ?? tally.FirstError!.Message}");
            return ClientCli.ExitFailure;
        }
        await console.Out.WriteLineAsync($"published {tally.Published}").ConfigureAwait(false);
        return ClientCli.ExitOk;
    }

    private readonly record struct Expiry(TimeSpan? TimeToLive, DateTimeOffset? At);

    private sealed class Tally
    {
        public long Published { get; private set; }

        public long Failed { get; private set; }

        public Exception? FirstError { get; private set; }

        public async Task DrainAsync(List<ValueTask<long>> window)
        {
            foreach (var acknowledgement in window)
            {
                try
                {
                    await acknowledgement.ConfigureAwait(false);
                    Published++;
                }
                catch (Exception e) when (e is BrokerException or BrokerConnectionException or TimeoutException or OperationCanceledException or ArgumentException)
                {
                    Failed++;
                    FirstError ??= e;
                }
            }
            window.Clear();
        }
    }
}
