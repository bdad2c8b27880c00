using System.Globalization;

namespace FastBroker.Load.Reports.Svg;

/// <summary>
/// Latency by percentile the way HdrHistogram plots it: the x axis is log10(1 / (1 − p)), so 90%, 99%, 99.9%,
/// 99.99% ... are evenly spaced and the tail gets the room it deserves; the y axis is linear.
/// </summary>
internal static class PercentileChart
{
    private const int MinDecades = 2;
    private const int MaxDecades = 6;

    /// <summary>An SVG chart of <paramref name="series"/>, whose points are (percentile 0-100, microseconds).</summary>
    public static string Render(string title, IReadOnlyList<ChartSeries> series)
    {
        var svg = ChartFrame.Begin(title, "percentile (log scale of 1 / (1 − p))", "latency");
        double maxY = 0, maxDepth = 0;
        foreach (var line in series)
        {
            foreach (var (p, y) in line.Points)
            {
                maxY = Math.Max(maxY, y);
                if (p < 100)
                    maxDepth = Math.Max(maxDepth, Depth(p));
            }
        }
        int decades = Math.Clamp((int)Math.Ceiling(maxDepth), MinDecades, MaxDecades);
        var yScale = AxisScale.Nice(0, maxY > 0 ? maxY : 1);
        ChartFrame.YAxis(svg, yScale, NumberText.Latency);
        for (int d = 0; d <= decades; d++)
        {
            double x = MapX(d, decades);
            svg.Line(x, ChartFrame.Top, x, ChartFrame.PlotBottom, "#eee");
            svg.Text(x, ChartFrame.PlotBottom + 16, Label(d), anchor: "middle", size: 10);
        }

        var legend = new List<(string, string)>();
        foreach (var line in series)
        {
            legend.Add((line.Name, line.Color));
            var points = new List<(double X, double Y)>(line.Points.Count);
            foreach (var (p, y) in line.Points)
                points.Add((MapX(Math.Min(p < 100 ? Depth(p) : decades, decades), decades), yScale.Map(y, ChartFrame.PlotBottom, ChartFrame.Top)));
            svg.Polyline(points, line.Color);
        }
        ChartFrame.Legend(svg, legend);
        return svg.ToString();
    }

    /// <summary>How many nines deep <paramref name="percentile"/> is: 0 at 0%, 1 at 90%, 2 at 99%, 3 at 99.9%.</summary>
    public static double Depth(double percentile) => Math.Log10(1 / (1 - percentile / 100));

    /// <summary>The axis label at a whole number of nines: "0%", "90%", "99%", "99.9%".</summary>
    public static string Label(int decades)
        => decades == 0 ? "0%" : (100 - 100 / Math.Pow(10, decades)).ToString("0.#####", CultureInfo.InvariantCulture) + "%";

    private static double MapX(double depth, int decades) => ChartFrame.Left + depth / decades * (ChartFrame.PlotRight - ChartFrame.Left);
}
