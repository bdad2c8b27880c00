using System.Globalization;

namespace FastBroker.Load.Targets;

/// <summary>
/// What <see cref="RabbitMqTarget"/> declares, worked out apart from any connection so it can be checked without a
/// server. Partitioned (the default): one quorum queue <c>{topic}.{p}</c> per partition, published to through the
/// default exchange, round-robin. Routed (<c>--routes N</c>): a durable topic exchange <c>{topic}.x</c> bound to one
/// quorum queue <c>{topic}.r{k}</c> per route with the binding key <c>r{k}.#</c>, published to with each message's
/// key (<see cref="RouteKeys"/>) as its routing key. Fan-out: a durable fanout exchange <c>{topic}.fx</c> bound to one
/// quorum queue <c>{topic}.f{k}</c> per subscription, so every queue gets every message.
/// </summary>
public sealed class RabbitMqTopology
{
    private RabbitMqTopology(string exchange, string[] queues, string[] bindingKeys, RouteKeys? keys, bool fanout = false)
    {
        IsFanout = fanout;
        Exchange = exchange;
        Queues = queues;
        BindingKeys = bindingKeys;
        Keys = keys;
    }

    /// <summary>The exchange publishers publish to: "" (the default exchange) when partitioned, <c>{topic}.x</c> when routed.</summary>
    public string Exchange { get; }

    /// <summary>True when routed: <see cref="Exchange"/> is a topic exchange the target declares.</summary>
    public bool IsRouted => Keys is not null;

    /// <summary>True for fan-out: <see cref="Exchange"/> is a fanout exchange the target declares, bound to every queue.</summary>
    public bool IsFanout { get; }

    /// <summary>The type of <see cref="Exchange"/> the target declares ("topic", "fanout"); null for the default exchange.</summary>
    public string? ExchangeType => IsFanout ? "fanout" : IsRouted ? "topic" : null;

    /// <summary>The quorum queues, which consumers read (each consumer every queue).</summary>
    public IReadOnlyList<string> Queues { get; }

    /// <summary>Routed: the binding key of each queue of <see cref="Queues"/>, by index; empty when partitioned.</summary>
    public IReadOnlyList<string> BindingKeys { get; }

    /// <summary>Routed: the message keys publishers use as routing keys; null when partitioned.</summary>
    public RouteKeys? Keys { get; }

    /// <summary>One queue per partition, through the default exchange.</summary>
    public static RabbitMqTopology Partitioned(string topic, int partitions)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var queues = new string[partitions];
        for (int p = 0; p < partitions; p++)
            queues[p] = string.Create(CultureInfo.InvariantCulture, $"{topic}.{p}");
        return new RabbitMqTopology("", queues, [], keys: null);
    }

    /// <summary>A topic exchange bound to one queue per route.</summary>
    public static RabbitMqTopology Routed(string topic, int routes)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var keys = new RouteKeys(routes);
        var queues = new string[routes];
        var bindings = new string[routes];
        for (int k = 0; k < routes; k++)
        {
            queues[k] = string.Create(CultureInfo.InvariantCulture, $"{topic}.r{k}");
            bindings[k] = RouteKeys.Pattern(k);
        }
        return new RabbitMqTopology(topic + ".x", queues, bindings, keys);
    }

    /// <summary>One queue per subscription, each bound to a fanout exchange with the empty binding key.</summary>
    public static RabbitMqTopology Fanout(string topic, int subscriptions)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(subscriptions, 1);
        var queues = new string[subscriptions];
        var bindings = new string[subscriptions];
        for (int k = 0; k < subscriptions; k++)
        {
            queues[k] = string.Create(CultureInfo.InvariantCulture, $"{topic}.f{k}");
            bindings[k] = "";
        }
        return new RabbitMqTopology(topic + ".fx", queues, bindings, keys: null, fanout: true);
    }

    /// <summary>Every routing key a publisher uses, in the order it cycles through them: the queue names when
    /// partitioned (round-robin), the message keys when routed, the empty key for fan-out (a fanout exchange ignores it).</summary>
    public IReadOnlyList<string> RoutingKeys => IsFanout ? [""] : Keys?.All ?? Queues;
}
