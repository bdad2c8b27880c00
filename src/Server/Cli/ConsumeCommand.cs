using System.CommandLine;
using FastBroker.ClientLite;
using FastBroker.Server.Cli.Output;
using FastBroker.Wire.Filters;

namespace FastBroker.Server.Cli;

/// <summary>
/// <c>consume NAME|PATTERN [--from earliest|latest|OFFSET|TIME|-DURATION] [--group G] [--filter EXPR] [--count N] [--timeout 5s]
/// [--print-topic] [--format raw|json]</c>: one payload per line until N messages or an idle timeout; with a group, the positions are
/// committed on the way out. A name with a wildcard word (<c>*</c> or <c>#</c>, which topic names cannot contain) is a
/// routing pattern: every matching topic is read, including ones created while it runs. With a filter the broker
/// sends only matching messages (PROTOCOL.md section 14).
/// </summary>
internal static class ConsumeCommand
{
    public static Command Build(CliConsole console, Option<string> server)
    {
        var command = new Command("consume", "Print messages of a topic, or of every topic matching a pattern (orders.*, orders.#), one payload per line (its bytes as stored) or, with --format json, one JSON object per line");
        var name = new Argument<string>("name") { Description = "Topic name, or a routing pattern: * is one dot-separated word, # any number" };
        name.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (string.IsNullOrEmpty(value))
                result.AddError("a name cannot be empty");
            else if (!RoutingPattern.HasWildcard(value) && !CliValues.IsValidName(value))
                result.AddError($"'{value}' is not a valid topic name or pattern (names: 1 to {Wire.Protocol.MaxTopicNameBytes} characters of A-Z a-z 0-9 . _ -; patterns add * and # words)");
        });
        var from = CliOptions.From();
        var group = new Option<string?>("--group") { Description = "Consumer group: resume from and commit its positions; for one topic, join the group and read only the partitions the broker assigns" };
        var filter = CliOptions.Filter();
        var count = CliOptions.OptionalInt("--count", "Stop after this many messages", 1);
        var timeout = CliOptions.Duration("--timeout", "Stop when no message arrives for this long", CliDefaults.ConsumeIdleTimeout);
        var printTopic = new Option<bool>("--print-topic") { Description = "Start each line with the message's topic and a tab (raw format; json always has the topic)" };
        var format = CliOptions.Format();
        command.Arguments.Add(name);
        command.Options.Add(from);
        command.Options.Add(group);
        command.Options.Add(filter);
        command.Options.Add(count);
        command.Options.Add(timeout);
        command.Options.Add(printTopic);
        command.Options.Add(format);
        command.Validators.Add(result =>
        {
            if (result.GetResult(printTopic) is not null && result.GetResult(format) is { Tokens: [{ Value: "json" }] })
                result.AddError("--print-topic goes with --format raw: every json line has the topic already");
        });
        command.SetAction((result, ct) =>
        {
            string topic = result.GetValue(name)!;
            var idle = result.GetValue(timeout) ?? CliDefaults.ConsumeIdleTimeout;
            var options = new TopicReaderOptions
            {
                Start = result.GetValue(from),
                Group = result.GetValue(group),
                Filter = result.GetValue(filter),
                // A broker that is gone is reported rather than waited for longer than the user's patience.
                ReconnectTimeout = idle,
            };
            return CliErrors.GuardAsync(console, topic,
                () => RunAsync(console, result.GetValue(server)!, topic, options, result.GetValue(count), idle,
                    new MessagePrinter(console.Output, result.GetValue(format), result.GetValue(printTopic)), ct), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string server, string topic, TopicReaderOptions options, int? count,
        TimeSpan idleTimeout, MessagePrinter printer, CancellationToken ct)
    {
        using var owned = printer;
        await using var reader = RoutingPattern.HasWildcard(topic)
            ? TopicReader.ForPattern(server, topic, options)
            : new TopicReader(server, topic, options);
        // The idle clock starts once the reader stands at its positions, so a slow connect is not "no messages".
        await reader.StartAsync(ct).ConfigureAwait(false);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(idleTimeout);
        int printed = 0;
        try
        {
            await foreach (var message in reader.ReadAllAsync(idle.Token).ConfigureAwait(false))
            {
                printer.Write(message.Topic, message.Partition, message.Offset, message.TimestampMs, message.HasKey, message.Key.Span,
                    message.Headers.Span, message.Value.Span, deliveryCount: null);
                // Shown at once, as a terminal or a pipe reader expects of a tail-like command.
                await printer.FlushAsync().ConfigureAwait(false);
                if (++printed == count)
                    break;
                idle.CancelAfter(idleTimeout);
            }
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // Nothing arrived within the idle timeout: the normal end of a consume without --count.
        }
        finally
        {
            await printer.FlushAsync().ConfigureAwait(false);
        }

        if (reader.SkippedMessages > 0)
            console.Error.WriteLine($"warning: skipped {CliText.Count(reader.SkippedMessages, "message")} deleted by retention before they were read");

        if (options.Group is not null)
        {
            // Commit what was printed even when the run was interrupted, so the next run does not print it again.
            await reader.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        return ClientCli.ExitOk;
    }
}
