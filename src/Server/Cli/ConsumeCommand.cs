using System.Buffers;
using System.CommandLine;
using System.Text;
using FastBroker.ClientLite;
using FastBroker.Wire.Filters;

namespace FastBroker.Server.Cli;

/// <summary>
/// <c>consume NAME|PATTERN [--from earliest|latest|OFFSET] [--group G] [--filter EXPR] [--count N] [--timeout 5s]
/// [--print-topic]</c>: one payload per line until N messages or an idle timeout; with a group, the positions are
/// committed on the way out. A name with a wildcard word (<c>*</c> or <c>#</c>, which topic names cannot contain) is a
/// routing pattern: every matching topic is read, including ones created while it runs. With a filter the broker
/// sends only matching messages (PROTOCOL.md section 14).
/// </summary>
internal static class ConsumeCommand
{
    public static Command Build(CliConsole console, Option<string> server)
    {
        var command = new Command("consume", "Print messages of a topic, or of every topic matching a pattern (orders.*, orders.#), one payload (UTF-8) per line");
        var name = new Argument<string>("name") { Description = "Topic name, or a routing pattern: * is one dot-separated word, # any number" };
        var from = CliOptions.From();
        var group = new Option<string?>("--group") { Description = "Consumer group: resume from and commit its position" };
        var filter = CliOptions.Filter();
        var count = CliOptions.OptionalInt("--count", "Stop after this many messages", 1);
        var timeout = CliOptions.Duration("--timeout", "Stop when no message arrives for this long", "5s");
        var printTopic = new Option<bool>("--print-topic") { Description = "Start each line with the message's topic and a tab" };
        var defaultTimeout = TimeSpan.FromSeconds(5);
        command.Arguments.Add(name);
        command.Options.Add(from);
        command.Options.Add(group);
        command.Options.Add(filter);
        command.Options.Add(count);
        command.Options.Add(timeout);
        command.Options.Add(printTopic);
        command.SetAction((result, ct) =>
        {
            string topic = result.GetValue(name)!;
            var idle = result.GetValue(timeout) ?? defaultTimeout;
            var options = new TopicReaderOptions
            {
                Start = result.GetValue(from),
                Group = result.GetValue(group),
                Filter = result.GetValue(filter),
                // A broker that is gone is reported rather than waited for longer than the user's patience.
                ReconnectTimeout = idle,
            };
            return CliErrors.GuardAsync(console, topic,
                () => RunAsync(console, result.GetValue(server)!, topic, options, result.GetValue(count), idle, result.GetValue(printTopic), ct), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string server, string topic, TopicReaderOptions options, int? count,
        TimeSpan idleTimeout, bool printTopic, CancellationToken ct)
    {
        await using var reader = RoutingPattern.HasWildcard(topic)
            ? TopicReader.ForPattern(server, topic, options)
            : new TopicReader(server, topic, options);
        // The idle clock starts once the reader stands at its positions, so a slow connect is not "no messages".
        await reader.StartAsync(ct).ConfigureAwait(false);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(idleTimeout);
        char[] text = ArrayPool<char>.Shared.Rent(4096);
        int printed = 0;
        try
        {
            await foreach (var message in reader.ReadAllAsync(idle.Token).ConfigureAwait(false))
            {
                int chars = Encoding.UTF8.GetMaxCharCount(message.Value.Length);
                if (chars > text.Length)
                {
                    ArrayPool<char>.Shared.Return(text);
                    text = ArrayPool<char>.Shared.Rent(chars);
                }
                int written = Encoding.UTF8.GetChars(message.Value.Span, text);
                if (printTopic)
                {
                    console.Out.Write(message.Topic);
                    console.Out.Write('\t');
                }
                console.Out.Write(text, 0, written);
                console.Out.WriteLine();
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
            ArrayPool<char>.Shared.Return(text);
            await console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (options.Group is not null)
        {
            // Commit what was printed even when the run was interrupted, so the next run does not print it again.
            await reader.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        return ClientCli.ExitOk;
    }
}
