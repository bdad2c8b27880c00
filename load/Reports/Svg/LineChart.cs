namespace FastBroker.Load.Reports.Svg;

/// <summary>Lines over a linear x axis starting at 0 (time) and a linear y axis starting at 0.</summary>
internal static class LineChart
{
    // Dots help read a short run; on a long one they would only blur the line.
    private const int MaxPointsWithDots = 60;

    /// <summary>An SVG chart of <paramref name="series"/>; y labels and tooltips use <paramref name="format"/>.</summary>
    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, Func<double, string> format)
    {
        var svg = ChartFrame.Begin(title, xLabel, yLabel);
        double maxX = 0, maxY = 0;
        foreach (var line in series)
        {
            foreach (var (x, y) in line.Points)
            {
                maxX = Math.Max(maxX, x);
                maxY = Math.Max(maxY, y);
            }
        }
        var xScale = AxisScale.Nice(0, maxX > 0 ? maxX : 1, 10);
        var yScale = AxisScale.Nice(0, maxY > 0 ? maxY : 1);
        ChartFrame.YAxis(svg, yScale, format);
        foreach (double tick in xScale.Ticks())
        {
            double x = xScale.Map(tick, ChartFrame.Left, ChartFrame.PlotRight);
            svg.Line(x, ChartFrame.PlotBottom, x, ChartFrame.PlotBottom + 4, "#666");
            svg.Text(x, ChartFrame.PlotBottom + 16, NumberText.Plain(tick), anchor: "middle", size: 10);
        }

        var legend = new List<(string, string)>();
        foreach (var line in series)
        {
            legend.Add((line.Name, line.Color));
            var points = new List<(double X, double Y)>(line.Points.Count);
            foreach (var (x, y) in line.Points)
                points.Add((xScale.Map(x, ChartFrame.Left, ChartFrame.PlotRight), yScale.Map(y, ChartFrame.PlotBottom, ChartFrame.Top)));
            svg.Polyline(points, line.Color);
            if (points.Count <= MaxPointsWithDots)
            {
                for (int i = 0; i < points.Count; i++)
                    svg.Dot(points[i].X, points[i].Y, 2.5, line.Color, $"{line.Name} at {NumberText.Plain(line.Points[i].X)}: {format(line.Points[i].Y)}");
            }
        }
        ChartFrame.Legend(svg, legend);
        return svg.ToString();
    }
}
