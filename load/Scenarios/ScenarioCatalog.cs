namespace FastBroker.Load.Scenarios;

/// <summary>Every scenario the harness offers, by name.</summary>
internal static class ScenarioCatalog
{
    /// <summary>All scenarios, in the order --help lists them.</summary>
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new PublishScenario(),
        new ConsumeScenario(),
        new EndToEndScenario(),
        new LatencyScenario(),
        new FanoutScenario(),
        new GroupsScenario(),
    ];

    /// <summary>The scenario called <paramref name="name"/>, or null.</summary>
    public static IScenario? Find(string name)
    {
        foreach (var scenario in All)
        {
            if (string.Equals(scenario.Name, name, StringComparison.Ordinal))
                return scenario;
        }
        return null;
    }
}
