using System.CommandLine;
using System.Globalization;
using FastBroker.ClientLite;

namespace FastBroker.Server.Cli;

/// <summary><c>queue create|stats</c> and <c>dlq redrive</c>.</summary>
internal static class QueueCommands
{
    public static Command BuildQueue(CliConsole console, Option<string> server)
    {
        var create = new Command("create", "Create a work queue: a topic with one shared subscription of the same name");
        var createName = CliOptions.TopicName();
        var partitions = CliOptions.Int("--partitions", "Number of partitions", 1, Wire.Protocol.MaxPartitions, 1);
        var visibility = CliOptions.Duration("--visibility", "How long a received message stays hidden before it is delivered again", "30s");
        var maxDeliveries = CliOptions.Int("--max-deliveries", "Deliveries without an ack before a message moves to the dead-letter queue",
            1, Wire.Protocol.MaxDeliveriesLimit, 5);
        var dlq = new Option<string?>("--dlq") { Description = "Dead-letter topic (default NAME.dlq)", HelpName = "NAME" };
        var maxInFlight = CliOptions.Int("--max-in-flight", "Messages delivered and not yet acked, at most", 1, (int)Wire.Protocol.MaxInFlightLimit, 100_000);
        var noAck = new Option<bool>("--no-ack") { Description = "At-most-once: messages count as acked when delivered" };
        create.Arguments.Add(createName);
        create.Options.Add(partitions);
        create.Options.Add(visibility);
        create.Options.Add(maxDeliveries);
        create.Options.Add(dlq);
        create.Options.Add(maxInFlight);
        create.Options.Add(noAck);
        create.SetAction((result, ct) =>
        {
            string name = result.GetValue(createName)!;
            return CliErrors.GuardAsync(console, name, async () =>
            {
                var options = new QueueOptions
                {
                    VisibilityTimeout = result.GetValue(visibility) ?? TimeSpan.FromSeconds(30),
                    MaxDeliveries = result.GetValue(maxDeliveries),
                    DeadLetterTopic = result.GetValue(dlq),
                    MaxInFlight = result.GetValue(maxInFlight),
                    AckMode = result.GetValue(noAck) ? QueueAckMode.None : QueueAckMode.Explicit,
                };
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                await connection.CreateQueueAsync(name, options, result.GetValue(partitions), ct).ConfigureAwait(false);
                await console.Out.WriteLineAsync($"created queue {name}").ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });

        var stats = new Command("stats", "Show a queue's settings and counters, one 'key: value' a line");
        var statsName = CliOptions.TopicName();
        stats.Arguments.Add(statsName);
        stats.SetAction((result, ct) =>
        {
            string name = result.GetValue(statsName)!;
            return CliErrors.GuardAsync(console, name, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                var s = await connection.GetQueueStatsAsync(name, name, ct).ConfigureAwait(false);
                var i = CultureInfo.InvariantCulture;
                string text = string.Create(i,
                    $"visible: {s.Visible}\nin_flight: {s.InFlight}\ndelayed: {s.Delayed}\ndead_lettered: {s.DeadLettered}\n" +
                    $"oldest_unacked_age_ms: {(s.OldestUnackedAge is { } age ? (long)age.TotalMilliseconds : -1)}\n" +
                    $"delivered: {s.Delivered}\nacked: {s.Acked}\ndeliver_rate: {s.DeliveriesPerSecond}\nack_rate: {s.AcksPerSecond}\n" +
                    $"visibility_timeout_ms: {(long)s.VisibilityTimeout.TotalMilliseconds}\nmax_deliveries: {s.MaxDeliveries}\n" +
                    $"dead_letter_topic: {s.DeadLetterTopic}\nmax_in_flight: {s.MaxInFlight}\nack_mode: {(s.AckMode == QueueAckMode.None ? "none" : "explicit")}");
                await console.Out.WriteLineAsync(text).ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });

        return new Command("queue", "Manage work queues") { create, stats };
    }

    public static Command BuildDeadLetter(CliConsole console, Option<string> server)
    {
        var redrive = new Command("redrive", "Move a queue's dead-lettered messages back to the queue");
        var name = CliOptions.TopicName();
        redrive.Arguments.Add(name);
        redrive.SetAction((result, ct) =>
        {
            string queue = result.GetValue(name)!;
            return CliErrors.GuardAsync(console, queue, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                long moved = await connection.RedriveDeadLettersAsync(queue, queue, ct).ConfigureAwait(false);
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"moved {moved} messages back to {queue}")).ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });
        return new Command("dlq", "Dead-letter queues") { redrive };
    }
}
