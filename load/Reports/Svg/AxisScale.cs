namespace FastBroker.Load.Reports.Svg;

/// <summary>A linear axis from <see cref="Min"/> to <see cref="Max"/> with ticks every <see cref="Step"/>, all
/// "nice" numbers (1, 2 or 5 times a power of ten) so the labels read easily.</summary>
internal readonly record struct AxisScale(double Min, double Max, double Step)
{
    /// <summary>A nice axis covering [<paramref name="min"/>, <paramref name="max"/>] with at most about <paramref name="maxTicks"/> ticks.</summary>
    public static AxisScale Nice(double min, double max, int maxTicks = 6)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
            (min, max) = (0, 1);
        if (max <= min)
            max = min + (min == 0 ? 1 : Math.Abs(min));
        double range = NiceNumber(max - min, round: false);
        double step = NiceNumber(range / Math.Max(1, maxTicks - 1), round: true);
        return new AxisScale(Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    /// <summary>The tick values from <see cref="Min"/> to <see cref="Max"/>.</summary>
    public IReadOnlyList<double> Ticks()
    {
        var ticks = new List<double>();
        int count = (int)Math.Round((Max - Min) / Step);
        for (int i = 0; i <= count; i++)
            ticks.Add(Min + i * Step);
        return ticks;
    }

    /// <summary>Where <paramref name="value"/> falls between <paramref name="from"/> (at Min) and <paramref name="to"/> (at Max).</summary>
    public double Map(double value, double from, double to) => from + (value - Min) / (Max - Min) * (to - from);

    private static double NiceNumber(double value, bool round)
    {
        double exponent = Math.Floor(Math.Log10(value));
        double power = Math.Pow(10, exponent);
        double fraction = value / power;
        double nice = round
            ? fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
            : fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }
}
