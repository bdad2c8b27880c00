using System.CommandLine;
using System.Text;
using FastBroker.ClientLite;
using FastBroker.Server.Cli.Input;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Cli;

/// <summary>
/// <c>publish NAME [--key K] [--header NAME=VALUE]... [--partition P] [--ttl DURATION | --expires-at TIME]
/// [--delay DURATION | --deliver-at TIME]
/// [--input lines|file|nul|length-prefixed] [--file PATH]</c>: messages cut from stdin (or a file) as bytes, stored exactly as given.
/// </summary>
internal static class PublishCommand
{
    // Acknowledgements are collected in windows so a long stdin does not hold one task per line.
    private const int Window = 4096;

    public static Command Build(CliConsole console, Option<string> server)
    {
        var command = new Command("publish", "Publish standard input: one message per line (the bytes before each newline, as given), or as --input says");
        var name = CliOptions.TopicName();
        var key = new Option<string?>("--key") { Description = "Key for every message (chooses the partition)" };
        var headers = new Option<RecordHeader[]>("--header")
        {
            Description = "A header for every message, as NAME=VALUE (the value is the UTF-8 text after the first '='); repeat for more",
            HelpName = "NAME=VALUE",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result =>
            {
                var parsed = new RecordHeader[result.Tokens.Count];
                for (int i = 0; i < parsed.Length; i++)
                {
                    string text = result.Tokens[i].Value;
                    int equals = text.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        result.AddError($"'{text}' is not a header for --header (use NAME=VALUE, e.g. type=created)");
                        return [];
                    }
                    parsed[i] = new RecordHeader(text[..equals], Encoding.UTF8.GetBytes(text[(equals + 1)..]));
                }
                if (RecordBatchBuilder.HeadersProblem(parsed) is { } problem)
                {
                    result.AddError($"--header: {problem}");
                    return [];
                }
                return parsed;
            },
        };
        var partition = CliOptions.OptionalInt("--partition", "Publish to this partition", 0);
        var ttl = CliOptions.Parsed<TimeSpan>("--ttl", "Every message expires this long after it is sent (e.g. 30s, 10m, at most 24h)",
            "DURATION", CliValues.TryParseDuration, "a duration", "500ms, 30s, 10m, at most 24h");
        var expiresAt = CliOptions.Parsed<DateTimeOffset>("--expires-at",
            "Every message expires at this time: ISO 8601 (UTC unless it has an offset) or milliseconds since the Unix epoch",
            "TIME", CliValues.TryParseTime, "a time", "2030-01-31T12:00:00Z or Unix milliseconds");
        var delay = CliOptions.Parsed<TimeSpan>("--delay",
            "Shared subscriptions deliver every message no earlier than this long after it is sent (e.g. 30s, 10m, 2d); topic readers see it at once",
            "DURATION", CliValues.TryParseDelay, "a delay", "500ms, 30s, 10m, 2d");
        var deliverAt = CliOptions.Parsed<DateTimeOffset>("--deliver-at",
            "Shared subscriptions deliver every message no earlier than this time: ISO 8601 (UTC unless it has an offset) or milliseconds since the Unix epoch",
            "TIME", CliValues.TryParseTime, "a time", "2030-01-31T12:00:00Z or Unix milliseconds");
        var input = new Option<InputFormat?>("--input")
        {
            Description = "How to cut the input into messages: lines (default; '\\n' ends a message, every other byte is kept), "
                + "file (all of it is one message), nul (NUL-separated), length-prefixed (u32 little-endian length, then the bytes)",
            HelpName = "lines|file|nul|length-prefixed",
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (MessageSource.TryParseFormat(text, out var format)) return format;
                result.AddError($"'{text}' is not an input format for --input (use lines, file, nul or length-prefixed)");
                return null;
            },
        };
        var dedupId = new Option<string?>("--dedup-id")
        {
            Description = "Deduplication id (fb-dedup-id) for the message: not stored again if the id was stored in its partition within the topic's window; prints the offset",
            HelpName = "ID",
        };
        var file = new Option<string?>("--file") { Description = "Publish this file as one message instead of reading standard input (implies --input file)", HelpName = "PATH" };
        command.Arguments.Add(name);
        command.Options.Add(input);
        command.Options.Add(file);
        command.Options.Add(key);
        command.Options.Add(headers);
        command.Options.Add(partition);
        command.Options.Add(ttl);
        command.Options.Add(expiresAt);
        command.Options.Add(delay);
        command.Options.Add(deliverAt);
        command.Options.Add(dedupId);
        command.Validators.Add(result =>
        {
            if (result.GetResult(ttl) is not null && result.GetResult(expiresAt) is not null)
                result.AddError("use --ttl or --expires-at, not both");
            if (result.GetResult(delay) is not null && result.GetResult(deliverAt) is not null)
                result.AddError("use --delay or --deliver-at, not both");
            if (result.GetResult(dedupId) is { Tokens: [{ Value: var id }] } && !DedupId.IsValid(Encoding.UTF8.GetBytes(id)))
                result.AddError($"--dedup-id: an id is 1 to {DedupId.MaxBytes} UTF-8 bytes");
            if (result.GetResult(file) is not null && result.GetResult(input) is { Tokens: [{ Value: not "file" }] })
                result.AddError("--file publishes the file as one message: it goes only with --input file");
        });
        command.SetAction((result, ct) =>
        {
            string topic = result.GetValue(name)!;
            var expiry = new Expiry(result.GetValue(ttl), result.GetValue(expiresAt), result.GetValue(delay), result.GetValue(deliverAt));
            string? path = result.GetValue(file);
            var format = path is null ? result.GetValue(input) ?? InputFormat.Lines : InputFormat.File;
            return CliErrors.GuardAsync(console, topic, async () =>
            {
                Stream source;
                try
                {
                    source = path is null ? console.Input : File.OpenRead(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    console.Fail(CliErrors.FileProblem(e, path, "read"));
                    return ClientCli.ExitFailure;
                }
                try
                {
                    var messages = MessageSource.Create(format, source);
                    var all = result.GetValue(headers) ?? [];
                    string? id = result.GetValue(dedupId);
                    if (id is not null) all = [new RecordHeader(DedupId.HeaderName, Encoding.UTF8.GetBytes(id)), .. all];
                    return await RunAsync(console, result.GetValue(server)!, topic, messages, result.GetValue(key), all, result.GetValue(partition), expiry,
                        showOffset: id is not null, ct).ConfigureAwait(false);
                }
                finally
                {
                    if (path is not null) await source.DisposeAsync().ConfigureAwait(false);
                }
            }, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string server, string topic, MessageSource messages, string? keyText, RecordHeader[] headers, int? partition,
        Expiry expiry, bool showOffset, CancellationToken ct)
    {
        // Idempotent and owning its connection: a batch whose answer a lost connection swallowed is sent again after
        // reconnecting, and stored once.
        var options = new ProducerOptions { DefaultTimeToLive = expiry.TimeToLive };
        await using var producer = await Producer.ConnectAsync(server, topic, options, null, ct).ConfigureAwait(false);
        if (partition >= producer.PartitionCount)
        {
            console.Fail($"topic '{topic}' has {CliText.Count(producer.PartitionCount, "partition")}; there is no partition {partition}");
            return ClientCli.ExitFailure;
        }

        // Typed as the nullable up front: "null : byte[]" would be a null array, which converts to an empty key, not to no key.
        ReadOnlyMemory<byte>? key = keyText is null ? null : (ReadOnlyMemory<byte>?)Encoding.UTF8.GetBytes(keyText);
        // The producer dates a delayed message with its default time-to-live only: a fixed expiry goes in as a header.
        if (expiry.At is { } fixedExpiry && (expiry.Delay is not null || expiry.DeliverAt is not null))
            headers = [ExpiryHeader(fixedExpiry), .. headers];
        var tally = new Tally();
        var window = new List<ValueTask<long>>(Window);
        string? badInput = null;
        try
        {
            while (await messages.NextAsync(ct).ConfigureAwait(false) is { } value)
            {
                window.Add(expiry switch
                {
                    { Delay: { } wait } => producer.SendDelayedAsync(value, wait, key, partition, headers, ct),
                    { DeliverAt: { } time } => producer.SendDelayedAsync(value, time, key, partition, headers, ct),
                    { At: { } at } => producer.SendAsync(value, at, key, partition, headers, ct),
                    _ => producer.SendAsync(value, key, partition, headers, ct),
                });
                if (window.Count == Window)
                    await tally.DrainAsync(window).ConfigureAwait(false);
            }
        }
        catch (InvalidDataException e)
        {
            // What was read before the bad spot is still sent and counted, so the user knows what reached the broker.
            badInput = e.Message;
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
            console.Fail($"{tally.Failed} of {CliText.Count(tally.Failed + tally.Published, "message")} {(tally.Failed == 1 ? "was" : "were")} not published: "
                + $"{CliErrors.Describe(tally.FirstError!, topic, ct) ?? tally.FirstError!.Message}");
            return ClientCli.ExitFailure;
        }
        if (badInput is not null)
        {
            console.Fail($"bad input: {badInput}; {CliText.Count(tally.Published, "message")} before it {(tally.Published == 1 ? "was" : "were")} published");
            return ClientCli.ExitFailure;
        }
        // With a dedup id the offset tells whether this message or an earlier one with the id is the stored one.
        string offset = showOffset && tally.Published > 0 ? $" (offset {tally.LastOffset})" : "";
        await console.Out.WriteLineAsync($"published {tally.Published}{offset}").ConfigureAwait(false);
        return ClientCli.ExitOk;
    }

    private readonly record struct Expiry(TimeSpan? TimeToLive, DateTimeOffset? At, TimeSpan? Delay, DateTimeOffset? DeliverAt);

    private static RecordHeader ExpiryHeader(DateTimeOffset at)
    {
        var value = new byte[MessageExpiry.MaxValueBytes];
        int written = MessageExpiry.FormatValue(Math.Max(0, at.ToUnixTimeMilliseconds()), value);
        return new RecordHeader(MessageExpiry.HeaderName, value.AsMemory(0, written));
    }

    private sealed class Tally
    {
        public long Published { get; private set; }

        public long Failed { get; private set; }

        public Exception? FirstError { get; private set; }

        public long LastOffset { get; private set; } = -1;

        public async Task DrainAsync(List<ValueTask<long>> window)
        {
            foreach (var acknowledgement in window)
            {
                try
                {
                    LastOffset = await acknowledgement.ConfigureAwait(false);
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
