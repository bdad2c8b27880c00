using System.Net;
using System.Text;

namespace FastBroker.Load.Reports;

/// <summary>
/// A self-contained HTML page: styles inline, charts as inline SVG, no scripts, fonts or anything else fetched,
/// so a report opens the same anywhere, offline, years later.
/// </summary>
internal sealed class HtmlPage
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; vertical-align: top; }
        th { background: #f3f3f3; } td.text, th.text { text-align: left; }
        .error { background: #fde8e8; border: 1px solid #e0a0a0; padding: 0.6em 1em; }
        .broken { color: #b00; font-weight: bold; } .met { color: #070; }
        svg.chart { display: block; margin: 1em 0; background: #fff; border: 1px solid #eee; }
        ul { line-height: 1.5; }
        """;

    private readonly StringBuilder _body = new();
    private readonly string _title;

    /// <summary>Starts a page titled <paramref name="title"/>.</summary>
    public HtmlPage(string title)
    {
        _title = title;
    }

    /// <summary>A heading of <paramref name="level"/> (1-3).</summary>
    public void Heading(int level, string text) => _body.Append($"<h{level}>").Append(Encode(text)).Append($"</h{level}>\n");

    /// <summary>A paragraph of text, with an optional CSS class.</summary>
    public void Paragraph(string text, string? cssClass = null)
    {
        _body.Append(cssClass is null ? "<p>" : $"<p class=\"{cssClass}\">").Append(Encode(text)).Append("</p>\n");
    }

    /// <summary>A bulleted list.</summary>
    public void List(IEnumerable<string> items)
    {
        _body.Append("<ul>\n");
        foreach (string item in items)
            _body.Append("<li>").Append(Encode(item)).Append("</li>\n");
        _body.Append("</ul>\n");
    }

    /// <summary>A table; columns named in <paramref name="textColumns"/> are left-aligned, the rest (numbers) right-aligned.</summary>
    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, IReadOnlySet<string>? textColumns = null)
    {
        _body.Append("<table>\n<tr>");
        foreach (string name in header)
            _body.Append(textColumns?.Contains(name) == true ? "<th class=\"text\">" : "<th>").Append(Encode(name)).Append("</th>");
        _body.Append("</tr>\n");
        foreach (var row in rows)
        {
            _body.Append("<tr>");
            for (int i = 0; i < row.Count; i++)
            {
                bool text = i < header.Count && textColumns?.Contains(header[i]) == true;
                _body.Append(text ? "<td class=\"text\">" : "<td>").Append(Encode(row[i])).Append("</td>");
            }
            _body.Append("</tr>\n");
        }
        _body.Append("</table>\n");
    }

    /// <summary>Markup the page's own code produced (an SVG chart); never text from outside.</summary>
    public void Raw(string markup) => _body.Append(markup).Append('\n');

    /// <summary>The finished page.</summary>
    public override string ToString()
        => $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{Encode(_title)}</title>\n<style>\n{Style}</style>\n</head>\n<body>\n{_body}</body>\n</html>\n";

    /// <summary>Text made safe for HTML.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);
}
