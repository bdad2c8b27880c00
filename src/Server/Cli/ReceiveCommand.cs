using System.CommandLine;
using FastBroker.ClientLite;
using FastBroker.Server.Cli.Output;

namespace FastBroker.Server.Cli;

/// <summary><c>receive NAME [--topic TOPIC] [--max N] [--wait 5s] [--ack | --nack | --no-ack] [--format raw|json]</c>:
/// one payload per line.</summary>
internal static class ReceiveCommand
{
    public static Command Build(CliConsole console, Option<string> server)
    {
        var command = new Command("receive", "Receive messages from a work queue and print one payload per line (its bytes as stored) or, with --format json, one JSON object per line");
        var name = CliOptions.TopicName();
        var max = CliOptions.Int("--max", "Most messages to receive", 1, (int)Wire.Protocol.MaxReceiveMessages, CliDefaults.ReceiveMax);
        var wait = CliOptions.Duration("--wait", "How long to wait for a first message (at most 20s)", CliDefaults.ReceiveWait, "return at once",
            allowZero: true, max: QueueConsumer.MaxReceiveWait);
        var format = CliOptions.Format();
        var ack = new Option<bool>("--ack") { Description = "Ack each message after printing it (the default)" };
        var nack = new Option<bool>("--nack") { Description = "Nack each message: it is delivered again at once" };
        var noAck = new Option<bool>("--no-ack") { Description = "Leave messages unacked: they come back after the visibility timeout" };
        var topicOption = CliOptions.QueueTopic("The topic the queue NAME is a subscription on (default NAME)");
        command.Arguments.Add(name);
        command.Options.Add(topicOption);
        command.Options.Add(max);
        command.Options.Add(wait);
        command.Options.Add(ack);
        command.Options.Add(nack);
        command.Options.Add(noAck);
        command.Options.Add(format);
        command.Validators.Add(result =>
        {
            int modes = (result.GetValue(ack) ? 1 : 0) + (result.GetValue(nack) ? 1 : 0) + (result.GetValue(noAck) ? 1 : 0);
            if (modes > 1) result.AddError("use only one of --ack, --nack and --no-ack");
        });
        command.SetAction((result, ct) =>
        {
            string queue = result.GetValue(name)!;
            string topic = result.GetValue(topicOption) ?? queue;
            var waitFor = result.GetValue(wait) ?? CliDefaults.ReceiveWait;
            var settle = result.GetValue(nack) ? Settle.Nack : result.GetValue(noAck) ? Settle.None : Settle.Ack;
            var printer = new MessagePrinter(console.Output, result.GetValue(format), printTopic: false);
            return CliErrors.GuardQueueAsync(console, topic, queue,
                () => RunAsync(console, result.GetValue(server)!, topic, queue, result.GetValue(max), waitFor, settle, printer, ct), ct);
        });
        return command;
    }

    private enum Settle { Ack, Nack, None }

    private static async Task<int> RunAsync(CliConsole console, string server, string topic, string queue, int max, TimeSpan wait, Settle settle,
        MessagePrinter printer, CancellationToken ct)
    {
        using var owned = printer;
        await using var connection = await BrokerConnection.ConnectAsync(server, null, ct).ConfigureAwait(false);
        await using var consumer = connection.OpenSubscription(topic, queue);
        var messages = await consumer.ReceiveAsync(max, wait, null, ct).ConfigureAwait(false);
        foreach (var message in messages)
        {
            printer.Write(topic, message.Partition, message.Offset, message.TimestampMs, message.HasKey, message.Key.Span, message.Headers.Span,
                message.Value.Span, message.DeliveryCount);
            await printer.FlushAsync().ConfigureAwait(false);
            // Settled one by one after printing: a message is only acked once it has really been shown.
            if (settle == Settle.Ack) await message.AckAsync(ct).ConfigureAwait(false);
            else if (settle == Settle.Nack) await message.NackAsync(TimeSpan.Zero, ct).ConfigureAwait(false);
        }
        if (settle == Settle.None && messages.Count > 0)
        {
            // Closing the connection would release the messages at once (that is what a crashed worker needs);
            // handing them back delayed by the visibility timeout keeps the promise of --no-ack instead.
            var stats = await connection.GetQueueStatsAsync(topic, queue, ct).ConfigureAwait(false);
            await consumer.NackAsync(messages, stats.VisibilityTimeout, ct).ConfigureAwait(false);
        }
        return ClientCli.ExitOk;
    }
}
