namespace FastBroker.Load.Reports.Svg;

/// <summary>One named line of a chart.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Color">CSS colour.</param>
/// <param name="Points">The points in data units.</param>
internal sealed record ChartSeries(string Name, string Color, IReadOnlyList<(double X, double Y)> Points);
