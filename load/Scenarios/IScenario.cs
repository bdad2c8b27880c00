namespace FastBroker.Load.Scenarios;

/// <summary>
/// One way of loading a broker. A scenario talks to the broker only through <see cref="ScenarioContext.Target"/>,
/// counts through <see cref="ScenarioContext.Metrics"/> and samples through <see cref="ScenarioContext.Monitor"/>;
/// the runner does the rest (target set-up, reports, thresholds), so a new scenario is one class plus a line in
/// <see cref="ScenarioCatalog"/>.
/// </summary>
internal interface IScenario
{
    /// <summary>Name on the command line and in reports.</summary>
    string Name { get; }

    /// <summary>One line for --help.</summary>
    string Description { get; }

    /// <summary>Options the scenario uses beyond the common ones.</summary>
    ScenarioFeatures Features { get; }

    /// <summary>Text of the report's scenario column, e.g. "latency @ 10,000 msg/s".</summary>
    string Label(Runs.RunSettings settings);

    /// <summary>Runs the scenario against a prepared target. Failures of the broker end up in
    /// <see cref="ScenarioResult.Error"/> rather than as exceptions, so the report is still written.</summary>
    Task<ScenarioResult> RunAsync(ScenarioContext context);
}
