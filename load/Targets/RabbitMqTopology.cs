using System.Globalization;

namespace FastBroker.Load.Targets;

/// <summary>
/// What <see cref="RabbitMqTarget"/> declares, worked out apart from any connection so it can be checked without a
/// server. Partitioned (the default): one quorum queue <c>{topic}.{p}</c> per partition, published to through the
/// default exchange, round-robin. Routed (<c>--routes N</c>): a durable topic exchange <c>{topic}.x</c> bound to one
/// quorum queue <c>{topic}.r{k}</c> per route with the binding key <c>r{k}.#</c>, published to with each message's
/// key (<see cref="RouteKeys"/>) as its routing key.
/// </summary>
public sealed class RabbitMqTopology
{
    private RabbitMqTopology(string exchange, string[] queues, string[] bindingKeys, RouteKeys? keys)
    {
        Exchange = exchange;
        Queues = queues;
        BindingKeys = bindingKeys;
        Keys = keys;
    }

    /// <summary>The exchange publishers publish to: "" (the default exchange) when partitioned, <c>{topic}.x</c> when routed.</summary>
    public string Exchange { get; }

    /// <summary>True when routed: <see cref="Exchange"/> is a topic exchange the target declares.</summary>
    public bool IsRouted => Keys is not null;

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

    /// <summary>Every routing key a publisher uses, in the order it cycles through them: the queue names when
    /// partitioned (round-robin), the message keys when routed.</summary>
    public IReadOnlyList<string> RoutingKeys => Keys?.All ?? Queues;
}
