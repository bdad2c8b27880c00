namespace FastBroker.Load.Reports.Svg;

/// <summary>The common layout of every chart: size, plot area inside the margins, palette, legend.</summary>
internal static class ChartFrame
{
    public const double Width = 760;
    public const double Height = 320;
    public const double Left = 80;
    public const double Right = 20;
    public const double Top = 40;
    public const double Bottom = 50;
    public const double PlotRight = Width - Right;
    public const double PlotBottom = Height - Bottom;

    /// <summary>Colours for series, in order; distinguishable in print and for common colour blindness.</summary>
    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    /// <summary>Colour number <paramref name="index"/>, repeating after the palette's end.</summary>
    public static string Color(int index) => Palette[index % Palette.Length];

    /// <summary>Starts a chart: title and the axis titles.</summary>
    public static SvgWriter Begin(string title, string xLabel, string yLabel)
    {
        var svg = new SvgWriter(Width, Height, title);
        svg.Text(Left, 18, title, size: 14, bold: true);
        svg.Text((Left + PlotRight) / 2, Height - 10, xLabel, anchor: "middle");
        svg.Text(16, (Top + PlotBottom) / 2, yLabel, anchor: "middle", rotate: -90);
        return svg;
    }

    /// <summary>Horizontal grid lines and labels of a linear y axis.</summary>
    public static void YAxis(SvgWriter svg, AxisScale scale, Func<double, string> format)
    {
        foreach (double tick in scale.Ticks())
        {
            double y = scale.Map(tick, PlotBottom, Top);
            svg.Line(Left, y, PlotRight, y, "#ddd");
            svg.Text(Left - 6, y + 4, format(tick), anchor: "end", size: 10);
        }
        svg.Line(Left, Top, Left, PlotBottom, "#666");
        svg.Line(Left, PlotBottom, PlotRight, PlotBottom, "#666");
    }

    /// <summary>A legend along the top right, one coloured square and name per series.</summary>
    public static void Legend(SvgWriter svg, IReadOnlyList<(string Name, string Color)> entries)
    {
        double x = PlotRight;
        for (int i = entries.Count - 1; i >= 0; i--)
        {
            double width = 18 + entries[i].Name.Length * 6.2;
            x -= width;
            svg.Rect(x, 24, 10, 10, entries[i].Color);
            svg.Text(x + 14, 33, entries[i].Name, size: 10);
        }
    }
}
