using System.Net;
using System.Text;
using FastBroker.Load.Reports;

namespace FastBroker.Load.Reports.Svg;

/// <summary>
/// Writes one inline SVG element for an HTML page: plain shapes and text with invariant numbers and escaped
/// text. No namespace URL is written (HTML5 does not need one), so a page stays free of external references.
/// </summary>
internal sealed class SvgWriter
{
    private readonly StringBuilder _svg = new();

    /// <summary>Starts an SVG of <paramref name="width"/> × <paramref name="height"/> described by <paramref name="title"/>.</summary>
    public SvgWriter(double width, double height, string title)
    {
        _svg.Append("<svg class=\"chart\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height))
            .Append("\" width=\"").Append(N(width)).Append("\" height=\"").Append(N(height))
            .Append("\" role=\"img\" aria-label=\"").Append(Escape(title)).Append("\">")
            .Append("<title>").Append(Escape(title)).Append("</title>");
    }

    /// <summary>A straight line.</summary>
    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, bool dashed = false)
    {
        _svg.Append("<line x1=\"").Append(N(x1)).Append("\" y1=\"").Append(N(y1)).Append("\" x2=\"").Append(N(x2))
            .Append("\" y2=\"").Append(N(y2)).Append("\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(N(width)).Append('"');
        if (dashed)
            _svg.Append(" stroke-dasharray=\"3 3\"");
        _svg.Append("/>");
    }

    /// <summary>A filled rectangle with an optional hover text.</summary>
    public void Rect(double x, double y, double width, double height, string fill, string? tooltip = null)
    {
        _svg.Append("<rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(Math.Max(0, width)))
            .Append("\" height=\"").Append(N(Math.Max(0, height))).Append("\" fill=\"").Append(fill).Append('"');
        CloseWithTooltip("rect", tooltip);
    }

    /// <summary>A small dot with an optional hover text.</summary>
    public void Dot(double x, double y, double radius, string fill, string? tooltip = null)
    {
        _svg.Append("<circle cx=\"").Append(N(x)).Append("\" cy=\"").Append(N(y)).Append("\" r=\"").Append(N(radius))
            .Append("\" fill=\"").Append(fill).Append('"');
        CloseWithTooltip("circle", tooltip);
    }

    /// <summary>An unfilled line through <paramref name="points"/>.</summary>
    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double width = 2)
    {
        if (points.Count == 0)
            return;
        _svg.Append("<polyline fill=\"none\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(N(width))
            .Append("\" stroke-linejoin=\"round\" points=\"");
        for (int i = 0; i < points.Count; i++)
        {
            if (i > 0)
                _svg.Append(' ');
            _svg.Append(N(points[i].X)).Append(',').Append(N(points[i].Y));
        }
        _svg.Append("\"/>");
    }

    /// <summary>Text; <paramref name="anchor"/> is start, middle or end; <paramref name="rotate"/> turns it about its anchor point.</summary>
    public void Text(double x, double y, string text, string anchor = "start", double size = 11, bool bold = false, double rotate = 0, string fill = "#333")
    {
        _svg.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" font-size=\"").Append(N(size))
            .Append("\" text-anchor=\"").Append(anchor).Append("\" fill=\"").Append(fill).Append('"');
        if (bold)
            _svg.Append(" font-weight=\"bold\"");
        if (rotate != 0)
            _svg.Append(" transform=\"rotate(").Append(N(rotate)).Append(' ').Append(N(x)).Append(' ').Append(N(y)).Append(")\"");
        _svg.Append('>').Append(Escape(text)).Append("</text>");
    }

    /// <summary>The finished element.</summary>
    public override string ToString() => _svg.ToString() + "</svg>";

    /// <summary>Text made safe for element content and attribute values.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    private void CloseWithTooltip(string element, string? tooltip)
    {
        if (tooltip is null)
        {
            _svg.Append("/>");
            return;
        }
        _svg.Append("><title>").Append(Escape(tooltip)).Append("</title></").Append(element).Append('>');
    }

    private static string N(double value) => NumberText.Plain(value);
}
