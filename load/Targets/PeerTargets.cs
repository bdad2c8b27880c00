namespace FastBroker.Load.Targets;

/// <summary>The peer brokers the harness compares against, by name.</summary>
public static class PeerTargets
{
    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [];

    /// <summary>Creates the named peer target, or null when the name is not a peer.</summary>
    public static IBrokerTarget? Create(string name, TargetEndpoints endpoints) => null;
}
