using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;

namespace FastBroker.Bench;

/// <summary>
/// The one configuration every benchmark class uses (<c>[Config(typeof(BenchConfig))]</c>), so results from
/// different layers read the same way: declared order, and a throughput column next to the mean (the default
/// exporters already write the GitHub markdown table that docs/PERFORMANCE.md quotes). It adds no job, so
/// <c>--job short</c> and friends on the command line decide how long a run takes. Allocation is measured by
/// <c>[MemoryDiagnoser]</c> on each class: "Allocated" must read "-" (0 B) for every hot-path benchmark.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    /// <summary>Creates the shared configuration.</summary>
    public BenchConfig()
    {
        AddColumn(StatisticColumn.OperationsPerSecond);
        WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared));
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(32));
    }
}
