using System.Globalization;
using FastBroker.Load.Cli;
using FastBroker.Load.Measurement;
using FastBroker.Load.Reports;
using FastBroker.Load.Scenarios;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Runs;

/// <summary>
/// Runs one scenario end to end: creates and prepares the target, runs the scenario with progress on
/// <c>stderr</c>, writes NAME.md, NAME.json and NAME.html, prints the markdown table to <c>stdout</c>, and turns the
/// outcome into an exit code (<see cref="ExitCodes"/>).
/// </summary>
internal sealed class LoadRunner
{
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly Func<RunSettings, IBrokerTarget?> _createTarget;
    private readonly Func<int, MemorySampler> _createMemorySampler;

    /// <summary>Creates a runner; <paramref name="createTarget"/> replaces <see cref="TargetFactory"/> and
    /// <paramref name="createMemorySampler"/> the reading of a process's memory for --rss-pid (tests).</summary>
    public LoadRunner(TextWriter stdout, TextWriter stderr, TimeProvider? time = null, Func<RunSettings, IBrokerTarget?>? createTarget = null,
        Func<int, MemorySampler>? createMemorySampler = null)
    {
        _out = stdout;
        _error = stderr;
        _time = time ?? TimeProvider.System;
        _createTarget = createTarget ?? (settings => TargetFactory.Create(settings, _time));
        _createMemorySampler = createMemorySampler ?? (pid => new MemorySampler(pid));
    }

    /// <summary>The report of the last run, once written.</summary>
    public RunReport? LastReport { get; private set; }

    /// <summary>Runs <paramref name="settings"/>; returns the exit code.</summary>
    public async Task<int> RunAsync(RunSettings settings, CancellationToken cancellationToken)
    {
        var scenario = ScenarioCatalog.Find(settings.Scenario) ?? throw new ArgumentException($"unknown scenario '{settings.Scenario}'", nameof(settings));
        var target = _createTarget(settings);
        if (target is null)
        {
            await _error.WriteLineAsync($"error: unknown target '{settings.Target}' (known: {string.Join(", ", TargetFactory.KnownNames)})").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        await using (target.ConfigureAwait(false))
        {
            try
            {
                if ((scenario.Features & ScenarioFeatures.Fanout) != 0)
                    await target.PrepareFanoutAsync(settings.Topic, settings.Partitions, settings.Fanout, cancellationToken).ConfigureAwait(false);
                else
                    await target.PrepareAsync(settings.Topic, settings.Partitions, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Any failure here (unreachable, refused, a peer client's own exception) means there is nothing to measure.
                string why = e is OperationCanceledException && cancellationToken.IsCancellationRequested ? "interrupted" : Workers.Describe(e);
                await _error.WriteLineAsync($"error: cannot prepare {target.Name} (topic '{settings.Topic}'): {why}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            var startedAt = _time.GetUtcNow();
            string name = settings.Name ?? DefaultName(settings, scenario, startedAt);
            var metrics = new RunMetrics(_time.TimestampFrequency);
            var monitor = new ProgressMonitor(metrics, _time, _error, settings.Size);
            var memory = settings.RssPid is { } pid ? _createMemorySampler(pid) : null;
            var context = new ScenarioContext(settings, target, _time, metrics, monitor, new SpinPacer(_time), $"load-{name}", cancellationToken)
            {
                BrokerMemory = memory,
            };
            await _error.WriteLineAsync($"{ReportBuilder.ScenarioLabel(scenario, settings)} against {target.Name} ({target.ServerVersion}): {target.Durability}").ConfigureAwait(false);

            memory?.Sample("start");
            var result = await RunScenarioAsync(scenario, context).ConfigureAwait(false);
            memory?.Sample("end");
            var report = ReportBuilder.Build(name, settings, scenario, target, result, metrics, monitor.Samples, startedAt, memory?.Samples);
            LastReport = report;
            return await WriteAsync(settings, report).ConfigureAwait(false);
        }
    }

    /// <summary>The default run name: target, scenario (and rate), size and start time, safe as a file name.</summary>
    public static string DefaultName(RunSettings settings, IScenario scenario, DateTimeOffset startedAt)
    {
        string rate = (scenario.Features & ScenarioFeatures.Rate) != 0 ? string.Create(CultureInfo.InvariantCulture, $"-{settings.Rate}ps") : "";
        return string.Create(CultureInfo.InvariantCulture, $"{settings.Target}-{scenario.Name}{rate}-{settings.Size}b-{startedAt.UtcDateTime:yyyyMMdd-HHmmss}");
    }

    private static async Task<ScenarioResult> RunScenarioAsync(IScenario scenario, ScenarioContext context)
    {
        try
        {
            var result = await scenario.RunAsync(context).ConfigureAwait(false);
            if (context.Cancellation.IsCancellationRequested && result.Error is null)
                return result with { EndReason = EndReasons.Interrupted, Error = "interrupted" };
            return result;
        }
        catch (Exception e)
        {
            // Scenarios return broker failures as results; what arrives here failed before measuring (e.g. a
            // consumer could not be created). The report is still written, saying so.
            bool interrupted = e is OperationCanceledException && context.Cancellation.IsCancellationRequested;
            return new ScenarioResult
            {
                Published = context.Metrics.Published,
                Consumed = context.Metrics.Consumed,
                EndReason = interrupted ? EndReasons.Interrupted : EndReasons.Error,
                Error = interrupted ? "interrupted" : Workers.Describe(e),
            };
        }
        finally
        {
            await context.Monitor.EndPhaseAsync().ConfigureAwait(false);
        }
    }

    private async Task<int> WriteAsync(RunSettings settings, RunReport report)
    {
        await _out.WriteLineAsync(MarkdownReport.Table([report])).ConfigureAwait(false);
        try
        {
            var files = await ReportFiles.WriteAsync(settings.ReportDirectory, report).ConfigureAwait(false);
            await _out.WriteLineAsync($"report: {string.Join(", ", files)}").ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await _error.WriteLineAsync($"error: cannot write the report to {settings.ReportDirectory}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        foreach (var threshold in report.Thresholds)
            await _out.WriteLineAsync($"threshold {threshold.Name} {threshold.Limit}: {(threshold.Passed ? "met" : "BROKEN")} (measured {threshold.Measured})").ConfigureAwait(false);
        if (report.Error is not null)
        {
            await _error.WriteLineAsync($"error: {report.Error}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        foreach (var threshold in report.Thresholds)
        {
            if (!threshold.Passed)
                return ExitCodes.ThresholdBroken;
        }
        return ExitCodes.Ok;
    }
}
