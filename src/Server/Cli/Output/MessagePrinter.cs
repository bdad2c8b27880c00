using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Cli.Output;

/// <summary>
/// Writes messages to stdout as bytes, never through a text decoder, so a payload comes out exactly as it was
/// published. JSON is written with <see cref="Utf8JsonWriter"/> (no reflection, AOT-safe); byte fields that are not
/// valid UTF-8 are written in base64 with a "FIELD_encoding": "base64" marker beside them.
/// </summary>
internal sealed class MessagePrinter : IDisposable
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Keeps non-ASCII text readable; quotes, backslashes and control characters are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    private readonly Stream _output;
    private readonly OutputFormat _format;
    private readonly bool _printTopic;
    private readonly Utf8JsonWriter? _json;
    private string? _topic;
    private byte[] _topicBytes = [];

    public MessagePrinter(Stream output, OutputFormat format, bool printTopic)
    {
        _output = output;
        _format = format;
        _printTopic = printTopic;
        _json = format == OutputFormat.Json ? new Utf8JsonWriter(output, JsonOptions) : null;
    }

    public static bool TryParseFormat(string? text, out OutputFormat format)
    {
        switch (text)
        {
            case "raw": format = OutputFormat.Raw; return true;
            case "json": format = OutputFormat.Json; return true;
            default: format = default; return false;
        }
    }

    /// <summary>Prints one message; <paramref name="deliveryCount"/> is a queue message's delivery count (json only).</summary>
    public void Write(string topic, int partition, long offset, long timestampMs, bool hasKey, ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> headers, ReadOnlySpan<byte> value, int? deliveryCount)
    {
        if (_json is null)
        {
            if (_printTopic)
            {
                _output.Write(TopicBytes(topic));
                _output.WriteByte((byte)'\t');
            }
            _output.Write(value);
            _output.WriteByte((byte)'\n');
            return;
        }

        var json = _json;
        json.Reset(_output);
        json.WriteStartObject();
        json.WriteString("topic", topic);
        json.WriteNumber("partition", partition);
        json.WriteNumber("offset", offset);
        json.WriteNumber("timestamp_ms", timestampMs);
        json.WriteString("timestamp", DateTimeOffset.FromUnixTimeMilliseconds(timestampMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        if (deliveryCount is { } deliveries)
            json.WriteNumber("delivery_count", deliveries);
        if (hasKey) WriteBytes(json, "key", "key_encoding", key);
        else json.WriteNull("key");
        json.WriteStartArray("headers");
        var reader = new RecordHeaderReader(headers);
        while (reader.TryReadNext(out var name, out var headerValue))
        {
            json.WriteStartObject();
            WriteBytes(json, "name", "name_encoding", name);
            WriteBytes(json, "value", "value_encoding", headerValue);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        WriteBytes(json, "value", "value_encoding", value);
        json.WriteEndObject();
        json.Flush();
        _output.WriteByte((byte)'\n');
    }

    public void Flush() => _output.Flush();

    public Task FlushAsync() => _output.FlushAsync(CancellationToken.None);

    public void Dispose() => _json?.Dispose();

    private static void WriteBytes(Utf8JsonWriter json, string property, string markerProperty, ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            json.WriteString(property, bytes);
            return;
        }
        json.WriteBase64String(property, bytes);
        json.WriteString(markerProperty, "base64");
    }

    // A pattern reader hands out one string instance per topic, so this converts once per topic switch, not per message.
    private byte[] TopicBytes(string topic)
    {
        if (!ReferenceEquals(topic, _topic))
        {
            _topic = topic;
            _topicBytes = Encoding.UTF8.GetBytes(topic);
        }
        return _topicBytes;
    }
}
