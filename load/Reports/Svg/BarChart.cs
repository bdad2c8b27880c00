namespace FastBroker.Load.Reports.Svg;

/// <summary>Grouped bars: one group per category (e.g. message size), one bar per series (e.g. target) in each.</summary>
internal static class BarChart
{
    /// <summary>One bar series: a name, a colour and a value per category (null for no bar).</summary>
    public sealed record Series(string Name, string Color, IReadOnlyList<double?> Values);

    /// <summary>An SVG chart; values, axis labels and tooltips use <paramref name="format"/>.</summary>
    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<string> categories,
        IReadOnlyList<Series> series, Func<double, string> format)
    {
        var svg = ChartFrame.Begin(title, xLabel, yLabel);
        double maxY = 0;
        foreach (var bars in series)
        {
            foreach (double? value in bars.Values)
                maxY = Math.Max(maxY, value ?? 0);
        }
        var yScale = AxisScale.Nice(0, maxY > 0 ? maxY : 1);
        ChartFrame.YAxis(svg, yScale, format);

        double groupWidth = (ChartFrame.PlotRight - ChartFrame.Left) / Math.Max(1, categories.Count);
        double barWidth = groupWidth * 0.8 / Math.Max(1, series.Count);
        for (int c = 0; c < categories.Count; c++)
        {
            double groupLeft = ChartFrame.Left + c * groupWidth + groupWidth * 0.1;
            svg.Text(ChartFrame.Left + (c + 0.5) * groupWidth, ChartFrame.PlotBottom + 16, categories[c], anchor: "middle", size: 11);
            for (int s = 0; s < series.Count; s++)
            {
                if (c >= series[s].Values.Count || series[s].Values[c] is not { } value)
                    continue;
                double x = groupLeft + s * barWidth;
                double y = yScale.Map(value, ChartFrame.PlotBottom, ChartFrame.Top);
                svg.Rect(x, y, barWidth - 2, ChartFrame.PlotBottom - y, series[s].Color, $"{series[s].Name}, {categories[c]}: {format(value)}");
                svg.Text(x + (barWidth - 2) / 2, y - 4, format(value), anchor: "middle", size: 9);
            }
        }

        var legend = new List<(string, string)>();
        foreach (var bars in series)
            legend.Add((bars.Name, bars.Color));
        ChartFrame.Legend(svg, legend);
        return svg.ToString();
    }
}
