using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FastBroker.ClientLite;

namespace FastBroker.Server.Cli.Output;

/// <summary>
/// Prints <c>group describe</c>: per partition its position, lag and owner, then the members. Text is tab-separated
/// lines under a header; JSON is one object written with <see cref="Utf8JsonWriter"/> (no reflection, AOT-safe).
/// </summary>
internal static class GroupDescriptionPrinter
{
    public static string Text(GroupDescription description)
    {
        var owners = Owners(description.Members);
        var text = new StringBuilder("TOPIC\tPARTITION\tCOMMITTED\tSTART\tEND\tLAG\tAGE\tOWNER\n");
        foreach (var p in description.Partitions)
        {
            string owner = owners.TryGetValue((p.Topic, p.Partition), out var o) ? o.Member + (o.Revoking ? " (revoking)" : "") : "-";
            text.Append(CultureInfo.InvariantCulture,
                $"{p.Topic}\t{p.Partition}\t{(p.Committed is { } c ? c.ToString(CultureInfo.InvariantCulture) : "-")}\t{p.LogStart}\t{p.LogEnd}\t{p.Lag}\t{Age(p.OldestUnconsumedAge)}\t{owner}\n");
        }
        if (description.Members.Count == 0) return text.ToString();
        // A blank line, then the members: scripts reading the partitions stop at the blank line.
        text.Append("\nMEMBER\tCLIENT\tTOPIC\tGENERATION\tSESSION\tPARTITIONS\tREVOKING\n");
        foreach (var m in description.Members)
            text.Append(CultureInfo.InvariantCulture,
                $"{m.MemberId}\t{(m.Client.Length == 0 ? "-" : m.Client)}\t{m.Topic}\t{m.Generation}\t{(long)m.SessionTimeout.TotalMilliseconds}ms\t{List(m.Assigned)}\t{List(m.Revoking)}\n");
        return text.ToString();
    }

    public static string Json(GroupDescription description)
    {
        var owners = Owners(description.Members);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("partitions");
            foreach (var p in description.Partitions)
            {
                json.WriteStartObject();
                json.WriteString("topic", p.Topic);
                json.WriteNumber("partition", p.Partition);
                if (p.Committed is { } committed) json.WriteNumber("committed", committed); else json.WriteNull("committed");
                json.WriteNumber("start", p.LogStart);
                json.WriteNumber("end", p.LogEnd);
                json.WriteNumber("lag", p.Lag);
                if (p.OldestUnconsumedAge is { } age) json.WriteNumber("age_ms", (long)age.TotalMilliseconds); else json.WriteNull("age_ms");
                if (owners.TryGetValue((p.Topic, p.Partition), out var o))
                {
                    json.WriteString("owner", o.Member);
                    json.WriteBoolean("revoking", o.Revoking);
                }
                else
                {
                    json.WriteNull("owner");
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("members");
            foreach (var m in description.Members)
            {
                json.WriteStartObject();
                json.WriteString("member", m.MemberId);
                json.WriteString("client", m.Client);
                json.WriteString("topic", m.Topic);
                json.WriteNumber("generation", m.Generation);
                json.WriteNumber("session_timeout_ms", (long)m.SessionTimeout.TotalMilliseconds);
                json.WriteStartArray("partitions");
                foreach (int p in m.Assigned) json.WriteNumberValue(p);
                json.WriteEndArray();
                json.WriteStartArray("revoking");
                foreach (int p in m.Revoking) json.WriteNumberValue(p);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static Dictionary<(string Topic, int Partition), (string Member, bool Revoking)> Owners(IReadOnlyList<GroupMemberInfo> members)
    {
        var owners = new Dictionary<(string, int), (string, bool)>();
        foreach (var m in members)
        {
            foreach (int p in m.Assigned) owners[(m.Topic, p)] = (m.MemberId, false);
            foreach (int p in m.Revoking) owners[(m.Topic, p)] = (m.MemberId, true);
        }
        return owners;
    }

    private static string List(IReadOnlyList<int> partitions) => partitions.Count == 0 ? "-" : string.Join(',', partitions);

    // Whole seconds: enough to see how far behind a group is.
    private static string Age(TimeSpan? age) => age is { } value
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)value.TotalSeconds}s")
        : "-";
}
