using System.CommandLine;
using System.Globalization;
using FastBroker.ClientLite;

namespace FastBroker.Server.Cli;

/// <summary><c>queue create|stats|reset</c> and <c>dlq redrive</c>.</summary>
internal static class QueueCommands
{
    public static Command BuildQueue(CliConsole console, Option<string> server)
    {
        var create = new Command("create", "Create a work queue: a topic with one shared subscription of the same name, or with --topic a subscription NAME on an existing topic");
        var createName = CliOptions.TopicName();
        // A queue made here has the settings a ClientLite QueueOptions has by default.
        var defaults = new QueueOptions();
        var partitions = CliOptions.Int("--partitions", "Number of partitions", 1, Wire.Protocol.MaxPartitions, CliDefaults.Partitions);
        var visibility = CliOptions.Duration("--visibility", "How long a received message stays hidden before it is delivered again", defaults.VisibilityTimeout,
            max: TimeSpan.FromMilliseconds(Wire.Protocol.MaxVisibilityTimeoutMs));
        var maxDeliveries = CliOptions.Int("--max-deliveries", "Deliveries without an ack before a message moves to the dead-letter queue",
            1, Wire.Protocol.MaxDeliveriesLimit, defaults.MaxDeliveries);
        var dlq = CliOptions.Name("--dlq", "Dead-letter topic (default NAME.dlq)", "NAME");
        var maxInFlight = CliOptions.Int("--max-in-flight", "Messages delivered and not yet acked, at most", 1, (int)Wire.Protocol.MaxInFlightLimit, defaults.MaxInFlight);
        var noAck = new Option<bool>("--no-ack") { Description = "At-most-once: messages count as acked when delivered" };
        var createTopic = CliOptions.QueueTopic("Create the queue as the shared subscription NAME on this existing topic; it gets the messages published from now on (default dead-letter topic TOPIC.NAME.dlq)");
        var filter = new Option<string?>("--filter")
        {
            Description = "Deliver only messages matching this filter on key and headers, e.g. 'key ~ \"eu.#\" and header(type) = \"created\"'",
            HelpName = "EXPR",
        };
        var ordering = new Option<string>("--ordering")
        {
            Description = "key: messages with the same record key are delivered in order, one at a time (the next after the previous is acked or dead-lettered); none: no order",
            HelpName = "key|none",
            DefaultValueFactory = _ => "none",
        };
        ordering.AcceptOnlyFromAmong("none", "key");
        var deadLetterExpired = new Option<bool>("--dead-letter-expired") { Description = "Move expired messages (header fb-expires) to the dead-letter topic instead of dropping them" };
        var from = CliOptions.Start("--from",
            "Where the queue starts in each partition: latest (only messages published from now on), earliest (every stored message), "
            + "an offset (clamped to each partition's stored range), a time (2026-12-01T10:00:00Z) or a time ago (-15m, -2h, -7d)",
            StartPosition.Latest);
        create.Arguments.Add(createName);
        create.Options.Add(createTopic);
        create.Options.Add(filter);
        create.Options.Add(deadLetterExpired);
        create.Options.Add(ordering);
        create.Options.Add(from);
        create.Options.Add(partitions);
        create.Options.Add(visibility);
        create.Options.Add(maxDeliveries);
        create.Options.Add(dlq);
        create.Options.Add(maxInFlight);
        create.Options.Add(noAck);
        create.SetAction((result, ct) =>
        {
            string name = result.GetValue(createName)!;
            string? topic = result.GetValue(createTopic);
            string? filterText = result.GetValue(filter);
            if (!CliOptions.TryCheckFilter(console, filterText)) return Task.FromResult(ClientCli.ExitUsage);
            if (topic is not null && result.GetResult(partitions) is { Implicit: false })
            {
                console.Fail("--partitions does not apply with --topic: the queue uses the topic's partitions");
                return Task.FromResult(ClientCli.ExitUsage);
            }
            return CliErrors.GuardAsync(console, topic ?? name, async () =>
            {
                var options = new QueueOptions
                {
                    VisibilityTimeout = result.GetValue(visibility) ?? defaults.VisibilityTimeout,
                    MaxDeliveries = result.GetValue(maxDeliveries),
                    DeadLetterTopic = result.GetValue(dlq),
                    MaxInFlight = result.GetValue(maxInFlight),
                    AckMode = result.GetValue(noAck) ? QueueAckMode.None : QueueAckMode.Explicit,
                    Filter = filterText,
                    DeadLetterExpired = result.GetValue(deadLetterExpired),
                    Ordering = result.GetValue(ordering) == "key" ? QueueOrdering.Key : QueueOrdering.None,
                    Start = result.GetValue(from),
                };
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                if (topic is null)
                {
                    await connection.CreateQueueAsync(name, options, result.GetValue(partitions), ct).ConfigureAwait(false);
                    await console.Out.WriteLineAsync($"created queue {name}").ConfigureAwait(false);
                }
                else
                {
                    await connection.CreateSubscriptionAsync(topic, name, options, ct).ConfigureAwait(false);
                    await console.Out.WriteLineAsync($"created queue {name} on topic {topic}").ConfigureAwait(false);
                }
                return ClientCli.ExitOk;
            }, ct);
        });

        var stats = new Command("stats", "Show a queue's settings and counters, one 'key: value' a line");
        var statsName = CliOptions.TopicName();
        var statsTopic = CliOptions.QueueTopic("The topic the queue NAME is a subscription on (default NAME)");
        stats.Arguments.Add(statsName);
        stats.Options.Add(statsTopic);
        stats.SetAction((result, ct) =>
        {
            string name = result.GetValue(statsName)!;
            string topic = result.GetValue(statsTopic) ?? name;
            return CliErrors.GuardQueueAsync(console, topic, name, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                var s = await connection.GetQueueStatsAsync(topic, name, ct).ConfigureAwait(false);
                var i = CultureInfo.InvariantCulture;
                string text = string.Create(i,
                    $"visible: {s.Visible}\nin_flight: {s.InFlight}\ndelayed: {s.Delayed}\ndead_lettered_total: {s.DeadLettered}\n" +
                    $"oldest_unacked_age_ms: {(s.OldestUnackedAge is { } age ? (long)age.TotalMilliseconds : -1)}\n" +
                    $"delivered: {s.Delivered}\nacked: {s.Acked}\ndeliver_rate: {s.DeliveriesPerSecond}\nack_rate: {s.AcksPerSecond}\n" +
                    $"visibility_timeout_ms: {(long)s.VisibilityTimeout.TotalMilliseconds}\nmax_deliveries: {s.MaxDeliveries}\n" +
                    $"dead_letter_topic: {s.DeadLetterTopic}\nmax_in_flight: {s.MaxInFlight}\nack_mode: {(s.AckMode == QueueAckMode.None ? "none" : "explicit")}\n" +
                    $"filtered: {s.Filtered}\nexpired: {s.Expired}\nfilter: {OneLine(s.Filter)}\ndead_letter_expired: {(s.DeadLetterExpired ? "true" : "false")}\n" +
                    $"ordering: {(s.Ordering == QueueOrdering.Key ? "key" : "none")}");
                await console.Out.WriteLineAsync(text).ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });

        return new Command("queue", "Manage work queues") { create, stats, BuildReset(console, server) };
    }

    private static Command BuildReset(CliConsole console, Option<string> server)
    {
        var reset = new Command("reset", "Move a queue to a position in every partition: back re-delivers from there, forward skips what is before it. Refused while messages are in flight or a push consumer is attached");
        var name = CliOptions.TopicName();
        var topicOption = CliOptions.QueueTopic("The topic the queue NAME is a subscription on (default NAME)");
        var to = CliOptions.Start("--to",
            "The new position: earliest, latest, an offset (clamped to each partition's stored range), a time (2026-12-01T10:00:00Z) or a time ago (-15m, -2h, -7d)",
            defaultValue: null);
        reset.Arguments.Add(name);
        reset.Options.Add(topicOption);
        reset.Options.Add(to);
        reset.SetAction((result, ct) =>
        {
            string queue = result.GetValue(name)!;
            string topic = result.GetValue(topicOption) ?? queue;
            return CliErrors.GuardQueueAsync(console, topic, queue, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                IReadOnlyList<Wire.Messages.Queues.PartitionReset> partitions;
                try
                {
                    partitions = await connection.ResetSubscriptionAsync(topic, queue, result.GetValue(to), ct).ConfigureAwait(false);
                }
                catch (BrokerException e) when (e.Code == Wire.ErrorCode.SubscriptionBusy)
                {
                    console.Fail($"queue '{queue}' is busy: {e.Message}");
                    return ClientCli.ExitFailure;
                }
                long skipped = 0;
                var positions = new System.Text.StringBuilder();
                for (int p = 0; p < partitions.Count; p++)
                {
                    skipped += partitions[p].Skipped;
                    positions.Append(CultureInfo.InvariantCulture, $"{(p == 0 ? "" : " ")}{p}:{partitions[p].Offset}");
                }
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"reset queue {queue} to {positions}; skipped {CliText.Count(skipped, "message")}")).ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });
        return reset;
    }

    // A filter may hold line breaks; the stats output keeps one key a line. "none" is not a valid filter, so it
    // cannot be mistaken for one, and every line keeps a value after its "key: ".
    private static string OneLine(string? text) => text is null ? "none" : text.ReplaceLineEndings(" ");

    public static Command BuildDeadLetter(CliConsole console, Option<string> server)
    {
        var redrive = new Command("redrive", "Move a queue's dead-lettered messages back to the queue");
        var name = CliOptions.TopicName();
        var topicOption = CliOptions.QueueTopic("The topic the queue NAME is a subscription on (default NAME)");
        redrive.Arguments.Add(name);
        redrive.Options.Add(topicOption);
        redrive.SetAction((result, ct) =>
        {
            string queue = result.GetValue(name)!;
            string topic = result.GetValue(topicOption) ?? queue;
            return CliErrors.GuardQueueAsync(console, topic, queue, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                long moved = await connection.RedriveDeadLettersAsync(topic, queue, ct).ConfigureAwait(false);
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"moved {CliText.Count(moved, "message")} back to {topic}")).ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });
        return new Command("dlq", "Dead-letter queues") { redrive };
    }
}
