using System.CommandLine;
using System.Globalization;
using FastBroker.ClientLite;
using FastBroker.Load.Runs;
using FastBroker.Load.Scenarios;
using FastBroker.Load.Targets;
using FastBroker.Wire;

namespace FastBroker.Load.Cli;

/// <summary>
/// The options of a scenario command. Every value is taken as text and validated here, into one list of
/// errors that all name their option, rather than by the parser, so each mistake gets a clear sentence.
/// </summary>
internal sealed class RunOptions
{
    private static readonly RunSettings Defaults = new() { Scenario = "" };
    private static readonly TargetEndpoints DefaultEndpoints = new();

    /// <summary>Most subscriptions of a fan-out run.</summary>
    public const int MaxFanout = 32;

    /// <summary>Most messages of a fan-out run: each subscription keeps a bit per message it may receive.</summary>
    public const long MaxFanoutCount = 50_000_000;

    private readonly Option<string?> _target = Text("--target", "NAME", $"Broker to load: fastbroker, redis, nats or rabbitmq (default {Defaults.Target})");
    private readonly Option<string?> _fastBroker = Text("--fastbroker", "HOST:PORT", $"FastBroker address (default {DefaultEndpoints.FastBroker})");
    private readonly Option<string?> _redis = Text("--redis", "HOST:PORT", $"Redis address (default {DefaultEndpoints.Redis})");
    private readonly Option<string?> _nats = Text("--nats", "URL", $"NATS URL (default {DefaultEndpoints.Nats})");
    private readonly Option<string?> _rabbitMq = Text("--rabbitmq", "URL", $"RabbitMQ AMQP URL (default {DefaultEndpoints.RabbitMq})");
    private readonly Option<string?> _topic = Text("--topic", "NAME", $"Topic (stream, queue) to recreate and load (default {Defaults.Topic})");
    private readonly Option<string?> _partitions = Text("--partitions", "N", $"Partitions of the topic (default {Defaults.Partitions})");
    private readonly Option<string?> _size = Text("--size", "BYTES", $"Payload bytes per message (default {Defaults.Size})");
    private readonly Option<string?> _count = Text("--count", "N", $"Most messages to publish; 5000, 500k, 1M (default {Defaults.Count:N0})");
    private readonly Option<string?> _duration = Text("--duration", "DURATION", $"Longest the measured phase may run, at most {RunSettings.MaxDuration.TotalMinutes:0}m (default 30s)");
    private readonly Option<string?> _producers = Text("--producers", "N", $"Publishers, each on its own connection (default {Defaults.Producers})");
    private readonly Option<string?> _batchBytes = Text("--batch-bytes", "BYTES", $"FastBroker producer batch size (default {Defaults.BatchBytes})");
    private readonly Option<string?> _linger = Text("--linger", "DURATION", "FastBroker producer linger, 0 sends at once (default 1ms)");
    private readonly Option<string?> _idempotent = Text("--idempotent", "on|off", "FastBroker idempotent producers (default off)");
    private readonly Option<string?> _fsync = Text("--fsync", "POLICY", $"Report label: the fsync policy the FastBroker server runs with, always|never|interval:MS (default {Defaults.Fsync})");
    private readonly Option<string?> _reportDir = Text("--report-dir", "DIR", $"Where NAME.md/.json/.html go (default {Defaults.ReportDirectory})");
    private readonly Option<string?> _name = Text("--name", "NAME", "Run name for the report files (default TARGET-SCENARIO-SIZEb-TIME)");
    private readonly Option<string?> _minThroughput = Text("--min-throughput", "MSG/S", "Exit 3 when throughput is below this (e.g. 100000, 1.5M)");
    private readonly Option<string?> _window = Text("--window", "N", $"Publishes in flight per producer (default {Defaults.Window})");
    private readonly Option<string?> _consumers = Text("--consumers", "N", $"Consumers, each on its own connection (default {Defaults.Consumers}, for fastbroker at most --partitions)");
    private readonly Option<string?> _idleTimeout = Text("--idle-timeout", "DURATION", "Fail when consumers receive nothing for this long (default 10s)");
    private readonly Option<string?> _sessionTimeout = Text("--session-timeout", "DURATION",
        "groups: how long the broker keeps a member that stopped heartbeating, 1s-5m (default 3s)");
    private readonly Option<string?> _rate = Text("--rate", "MSG/S", $"Open-loop send rate, e.g. 10k, 50k, 100k (default {Defaults.Rate:N0})");
    private readonly Option<string?> _fastBrokerConsumers = Text("--fastbroker-consumers", "stream|queue",
        "FastBroker consumers: stream cursors splitting the partitions, or competing consumers of a queue that ack every message (default stream)");
    private readonly Option<string?> _queueReceive = Text("--queue-receive", "pull|push",
        "FastBroker queue consumers: pulled with long-poll receives, or pushed with prefetch credit (default pull)");
    private readonly Option<string?> _queueBatch = Text("--queue-batch", "N",
        $"FastBroker queue consumers: prefetch per consumer (push) or messages per receive (pull) (default {Defaults.QueueBatch})");
    private readonly Option<string?> _routes = Text("--routes", "N",
        $"Routed run with N routes, 1-{RouteKeys.MaxRoutes}: message i gets the key r{{i % N}}.WORD and each route its own destination taking only its keys "
        + "(fastbroker: a shared subscription with a key filter, pulled; rabbitmq: a topic exchange binding to a quorum queue) (default 0, off)");
    private readonly Option<string?> _fanout = Text("--fanout", "N",
        $"Subscriptions that each receive every message, 1-{MaxFanout}, one consumer each (default {Defaults.Fanout})");
    private readonly Option<string?> _rssPid = Text("--rss-pid", "PID",
        "Report the resident memory (Linux VmRSS) of process PID, the broker on this machine, at the start and end of the run and after a fill");
    private readonly Option<string?> _maxP99 = Text("--max-p99", "DURATION", "Exit 3 when the p99 latency is above this (e.g. 1ms)");

    /// <summary>Adds the options <paramref name="scenario"/> uses to <paramref name="command"/>.</summary>
    public void AddTo(Command command, IScenario scenario)
    {
        Option<string?>[] common =
        [
            _target, _fastBroker, _redis, _nats, _rabbitMq, _topic, _partitions, _size, _count, _duration, _producers,
            _batchBytes, _linger, _idempotent, _fsync, _fastBrokerConsumers, _reportDir, _name, _minThroughput, _rssPid,
        ];
        foreach (var option in common)
            command.Options.Add(option);
        var features = scenario.Features;
        if ((features & ScenarioFeatures.Window) != 0)
            command.Options.Add(_window);
        if ((features & ScenarioFeatures.Consumers) != 0)
        {
            command.Options.Add(_consumers);
            command.Options.Add(_idleTimeout);
            command.Options.Add(_queueReceive);
            command.Options.Add(_queueBatch);
            command.Options.Add(_routes);
        }
        if ((features & ScenarioFeatures.Fanout) != 0)
        {
            command.Options.Add(_fanout);
            command.Options.Add(_idleTimeout);
            command.Options.Add(_queueReceive);
            command.Options.Add(_queueBatch);
        }
        if ((features & ScenarioFeatures.Groups) != 0)
        {
            command.Options.Add(_consumers);
            command.Options.Add(_idleTimeout);
            command.Options.Add(_sessionTimeout);
        }
        if ((features & ScenarioFeatures.Rate) != 0)
            command.Options.Add(_rate);
        if ((features & ScenarioFeatures.Latency) != 0)
            command.Options.Add(_maxP99);
    }

    /// <summary>Validates the parsed values of a run of <paramref name="scenario"/>; null with <paramref name="errors"/> filled when any is wrong.</summary>
    public RunSettings? Bind(ParseResult parsed, IScenario scenario, List<string> errors)
    {
        var s = new RunSettings { Scenario = scenario.Name };
        string? Get(Option<string?> option) => parsed.GetValue(option);
        void Fail(string message) => errors.Add(message);
        T Invalid<T>(T fallback, string message)
        {
            errors.Add(message);
            return fallback;
        }

        string target = Get(_target) ?? s.Target;
        var endpoints = new TargetEndpoints
        {
            FastBroker = Get(_fastBroker) ?? DefaultEndpoints.FastBroker,
            Redis = Get(_redis) ?? DefaultEndpoints.Redis,
            Nats = Get(_nats) ?? DefaultEndpoints.Nats,
            RabbitMq = Get(_rabbitMq) ?? DefaultEndpoints.RabbitMq,
        };
        foreach (var (option, endpoint) in new[] { ("--fastbroker", endpoints.FastBroker), ("--redis", endpoints.Redis), ("--nats", endpoints.Nats), ("--rabbitmq", endpoints.RabbitMq) })
        {
            if (LoopbackGuard.Check(option, endpoint) is { } refusal)
                Fail(refusal);
        }
        if (!BrokerConnection.IsValidEndpoint(endpoints.FastBroker))
            Fail($"--fastbroker: '{endpoints.FastBroker}' is not HOST:PORT");

        string topic = Get(_topic) ?? s.Topic;
        if (!ValueParsers.IsSafeName(topic, 200))
            Fail($"--topic: '{topic}' must be 1-200 characters of A-Z a-z 0-9 . _ -");
        string? name = Get(_name);
        if (name is not null && !ValueParsers.IsSafeName(name, 100))
            Fail($"--name: '{name}' must be 1-100 characters of A-Z a-z 0-9 . _ - (it becomes file names)");
        string fsync = Get(_fsync) ?? s.Fsync;
        if (!ValueParsers.IsFsyncPolicy(fsync))
            Fail($"--fsync: '{fsync}' is not always, never or interval:MS");

        int partitions = Whole(Get(_partitions), "--partitions", 1, Protocol.MaxPartitions, s.Partitions, errors);
        bool stamped = (scenario.Features & (ScenarioFeatures.Latency | ScenarioFeatures.Rate)) != 0;
        bool isFanout = (scenario.Features & ScenarioFeatures.Fanout) != 0;
        bool isGroups = (scenario.Features & ScenarioFeatures.Groups) != 0;
        int minSize = stamped ? PayloadStamp.Bytes : 1;
        int size = Bytes(Get(_size), "--size", 1, Protocol.DefaultMaxMessageBytes, s.Size, errors);
        if ((isFanout || isGroups) && size < PayloadStamp.SequencedBytes)
            Fail($"--size: {scenario.Name} carries a send time and a sequence number in every payload, so it needs at least {PayloadStamp.SequencedBytes} bytes");
        else if (stamped && size < minSize)
            Fail($"--size: {scenario.Name} carries an {PayloadStamp.Bytes}-byte send time in every payload, so it needs at least {PayloadStamp.Bytes} bytes");
        long count = Quantity(Get(_count), "--count", 1, isFanout || isGroups ? MaxFanoutCount : long.MaxValue / 2, s.Count, errors);
        int fanout = Whole(parsed.GetValue(_fanout), "--fanout", 1, MaxFanout, s.Fanout, errors);
        var duration = Duration(Get(_duration), "--duration", TimeSpan.FromMilliseconds(1), RunSettings.MaxDuration, s.Duration, errors);
        int producers = Whole(Get(_producers), "--producers", 1, 256, s.Producers, errors);
        int batchBytes = Bytes(Get(_batchBytes), "--batch-bytes", 1024, 64 * 1024 * 1024, s.BatchBytes, errors);
        var linger = Duration(Get(_linger), "--linger", TimeSpan.Zero, TimeSpan.FromSeconds(10), s.Linger, errors);
        bool idempotent = s.Idempotent;
        switch (Get(_idempotent))
        {
            case null: break;
            case "on": idempotent = true; break;
            case "off": idempotent = false; break;
            case var other: Fail($"--idempotent: '{other}' is neither on nor off"); break;
        }
        string reportDirectory = Get(_reportDir) ?? s.ReportDirectory;
        double? minThroughput = null;
        if (Get(_minThroughput) is { } throughputText)
        {
            if (ValueParsers.TryParseQuantity(throughputText, out double value))
                minThroughput = value;
            else
                Fail($"--min-throughput: '{throughputText}' is not a number of messages per second (e.g. 100000, 100k, 1.5M)");
        }

        int? rssPid = Get(_rssPid) is { } pidText ? Whole(pidText, "--rss-pid", 1, int.MaxValue, 0, errors) : null;
        string? routesText = parsed.GetValue(_routes);
        int routes = Whole(routesText, "--routes", 0, RouteKeys.MaxRoutes, 0, errors);
        var consumerMode = Get(_fastBrokerConsumers) switch
        {
            // A routed FastBroker run reads shared subscriptions: queue consumers, unless told otherwise (refused below).
            null when routes > 0 => FastBrokerConsumerMode.Queue,
            // Fan-out reads a shared subscription per consumer unless told to read a stream group per consumer.
            null when isFanout => FastBrokerConsumerMode.Queue,
            null or "stream" => FastBrokerConsumerMode.Stream,
            "queue" => FastBrokerConsumerMode.Queue,
            var other => Invalid(FastBrokerConsumerMode.Stream, $"--fastbroker-consumers: '{other}' is not stream or queue"),
        };
        var queueReceive = parsed.GetValue(_queueReceive) switch
        {
            null or "pull" => QueueReceiveMode.Pull,
            "push" => QueueReceiveMode.Push,
            var other => Invalid(QueueReceiveMode.Pull, $"--queue-receive: '{other}' is not pull or push"),
        };
        // A receive asks for at most Protocol.MaxReceiveMessages; push credit could go higher, but one limit is simpler.
        int queueBatch = Whole(parsed.GetValue(_queueBatch), "--queue-batch", 1, (int)Protocol.MaxReceiveMessages, s.QueueBatch, errors);
        if (consumerMode != FastBrokerConsumerMode.Queue && (parsed.GetValue(_queueReceive) ?? parsed.GetValue(_queueBatch)) is not null)
            Fail("--queue-receive and --queue-batch apply to FastBroker queue consumers only: add --fastbroker-consumers queue");

        if (routes > 0)
        {
            if (target is not TargetFactory.FastBrokerName && !PeerTargets.RoutedNames.Contains(target) && TargetFactory.KnownNames.Contains(target))
                Fail($"--routes: {target} has no routed mode; routed runs go to fastbroker or {string.Join(", ", PeerTargets.RoutedNames)}");
            if (consumerMode != FastBrokerConsumerMode.Queue)
                Fail("--routes: routes are shared subscriptions, read by queue consumers: leave out --fastbroker-consumers or give queue");
            if (queueReceive != QueueReceiveMode.Pull)
                Fail("--routes: routed consumers pull from every route's subscription; --queue-receive push reads one subscription only");
        }

        int window = Whole(parsed.GetValue(_window), "--window", 1, 1 << 24, s.Window, errors);
        string? consumersText = parsed.GetValue(_consumers);
        int consumers = Whole(consumersText, "--consumers", 1, 256, s.Consumers, errors);
        var idleTimeout = Duration(parsed.GetValue(_idleTimeout), "--idle-timeout", TimeSpan.FromMilliseconds(1), RunSettings.MaxDuration, s.IdleTimeout, errors);
        long rate = Quantity(parsed.GetValue(_rate), "--rate", 1, 100_000_000, s.Rate, errors);
        TimeSpan? maxP99 = parsed.GetValue(_maxP99) is { } p99Text
            ? Duration(p99Text, "--max-p99", TimeSpan.FromTicks(1), TimeSpan.FromHours(1), TimeSpan.Zero, errors)
            : null;

        var sessionTimeout = Duration(parsed.GetValue(_sessionTimeout), "--session-timeout", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), s.SessionTimeout, errors);
        if (isGroups)
        {
            // Broker-assigned partitions are FastBroker's coordinator; the peers assign nothing to group members this way.
            if (target != TargetFactory.FastBrokerName)
                Fail($"--target: {scenario.Name} needs a broker that assigns partitions to group members: fastbroker only");
            if (Get(_fastBrokerConsumers) is "queue")
                Fail($"--fastbroker-consumers: {scenario.Name} members are stream readers of a group");
            if (consumersText is null)
                consumers = 3;
            else if (consumers < 2)
                Fail($"--consumers: {scenario.Name} needs at least 2 members at the start (one leaves, one is killed)");
            if (duration < RebalancePlan.MinimumDuration(sessionTimeout))
                Fail($"--duration: {scenario.Name} needs at least {RebalancePlan.MinimumDuration(sessionTimeout).TotalSeconds:0.#} s with this session timeout (4 x (2 x session timeout + 1 s))");
        }

        bool usesConsumers = (scenario.Features & ScenarioFeatures.Consumers) != 0;
        // FastBroker stream consumers each need a partition of their own: the default shrinks to fit, a given number
        // must. Queue consumers compete for every partition's messages, as the peers' consumers do.
        bool streamCursors = target == TargetFactory.FastBrokerName && consumerMode == FastBrokerConsumerMode.Stream;
        if (streamCursors && consumersText is null && !isGroups)
            consumers = Math.Min(consumers, partitions);
        if (usesConsumers && streamCursors && consumers > partitions)
            Fail($"--consumers {consumers} is more than --partitions {partitions}: FastBroker stream consumers each read their own partitions (p % consumers == i); --fastbroker-consumers queue lifts the limit");

        if (errors.Count > 0)
            return null;
        return s with
        {
            Target = target, Endpoints = endpoints, Topic = topic, Partitions = partitions, Size = size, Count = count,
            Duration = duration, Producers = producers, Consumers = consumers, Window = window, BatchBytes = batchBytes,
            Linger = linger, Idempotent = idempotent, Fsync = fsync, FastBrokerConsumers = consumerMode, QueueReceive = queueReceive, QueueBatch = queueBatch, Routes = routes, Fanout = fanout, RssPid = rssPid, Rate = rate, IdleTimeout = idleTimeout, SessionTimeout = sessionTimeout, ReportDirectory = reportDirectory,
            Name = name, MaxP99 = maxP99, MinThroughput = minThroughput,
        };
    }

    private static Option<string?> Text(string name, string helpName, string description)
        => new(name) { Description = description, HelpName = helpName };

    private static int Whole(string? text, string option, int min, int max, int fallback, List<string> errors)
        => (int)Quantity(text, option, min, max, fallback, errors);

    private static long Quantity(string? text, string option, long min, long max, long fallback, List<string> errors)
    {
        if (text is null)
            return fallback;
        if (ValueParsers.TryParseWhole(text, min, max, out long value))
            return value;
        errors.Add($"{option}: '{text}' is not a whole number from {min.ToString("N0", CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)}");
        return fallback;
    }

    private static int Bytes(string? text, string option, int min, int max, int fallback, List<string> errors)
    {
        if (text is null)
            return fallback;
        if (ValueParsers.TryParseBytes(text, out long bytes) && bytes >= min && bytes <= max)
            return (int)bytes;
        errors.Add($"{option}: '{text}' is not a size from {min} to {max} bytes (e.g. 100, 64KiB, 1MiB)");
        return fallback;
    }

    private static TimeSpan Duration(string? text, string option, TimeSpan min, TimeSpan max, TimeSpan fallback, List<string> errors)
    {
        if (text is null)
            return fallback;
        if (!ValueParsers.TryParseDuration(text, out var duration))
        {
            errors.Add($"{option}: '{text}' is not a duration with a unit (e.g. 500us, 1ms, 30s, 2m)");
            return fallback;
        }
        if (duration < min || duration > max)
        {
            errors.Add($"{option}: {text} is out of range (at least {Show(min)}, at most {Show(max)})");
            return fallback;
        }
        return duration;
    }

    private static string Show(TimeSpan span) => span == TimeSpan.Zero ? "0" : span.TotalMicroseconds < 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMicroseconds:0.###}us")
        : span.TotalSeconds < 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0.###}ms")
        : span.TotalMinutes < 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###}s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.###}m");
}
