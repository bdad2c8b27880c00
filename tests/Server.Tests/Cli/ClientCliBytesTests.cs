using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using FastBroker.Server.Tests.Support;

namespace FastBroker.Server.Tests.Cli;

/// <summary>Messages are bytes end to end: publish input formats, raw and json output, against the in-process broker.</summary>
public sealed class ClientCliBytesTests : IAsyncLifetime
{
    private readonly InProcessBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private Task<(int ExitCode, byte[] Out, string Error)> Run(byte[] stdin, params string[] args)
        => CliRun.BytesAsync(stdin, [.. args, "--server", _broker.Endpoint]);

    private async Task<string> Text(params string[] args) => Encoding.UTF8.GetString((await Run([], args)).Out);

    [Fact]
    public async Task Lines_that_are_not_utf8_come_back_byte_for_byte()
    {
        await Run([], "topic", "create", "bytes");
        byte[] input = [.. "caf"u8, 0xE9, (byte)'\n', 0xFF, 0xFE, 0x00, (byte)'x', (byte)'\n', .. "crlf"u8, (byte)'\r', (byte)'\n', (byte)'\n', .. "last"u8];

        var published = await Run(input, "publish", "bytes");
        var consumed = await Run([], "consume", "bytes", "--count", "5");

        Assert.Equal((0, "published 5\n"), (published.ExitCode, Encoding.UTF8.GetString(published.Out)));
        Assert.Equal(0, consumed.ExitCode);
        // Every message comes back with a '\n' after it: the input, with a final newline added after "last".
        Assert.Equal([.. input, (byte)'\n'], consumed.Out);
    }

    [Fact]
    public async Task Random_bytes_published_as_one_file_message_come_back_identical()
    {
        await Run([], "topic", "create", "blob");
        byte[] blob = new byte[4096];
        new Random(4096).NextBytes(blob);
        string path = Path.Combine(Path.GetTempPath(), $"fastbroker-blob-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, blob);
        try
        {
            var fromStdin = await Run(blob, "publish", "blob", "--input", "file");
            var fromFile = await Run([], "publish", "blob", "--file", path);
            var consumed = await Run([], "consume", "blob", "--count", "2");

            Assert.Equal("published 1\n", Encoding.UTF8.GetString(fromStdin.Out));
            Assert.Equal("published 1\n", Encoding.UTF8.GetString(fromFile.Out));
            Assert.Equal([.. blob, (byte)'\n', .. blob, (byte)'\n'], consumed.Out);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Nul_separated_input_keeps_newlines_inside_messages()
    {
        await Run([], "topic", "create", "nul");

        var published = await Run("one\nline\0two\0\0"u8.ToArray(), "publish", "nul", "--input", "nul");
        string json = await Text("consume", "nul", "--count", "3", "--format", "json");

        Assert.Equal("published 3\n", Encoding.UTF8.GetString(published.Out));
        var values = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("value").GetString());
        Assert.Equal(["one\nline", "two", ""], values);
    }

    [Fact]
    public async Task Length_prefixed_input_is_read_and_a_truncated_one_is_reported()
    {
        await Run([], "topic", "create", "framed");
        var input = new MemoryStream();
        foreach (byte[] message in new[] { "a\nb"u8.ToArray(), new byte[] { 0, 0xFF }, [] })
        {
            byte[] prefix = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)message.Length);
            input.Write(prefix);
            input.Write(message);
        }

        var published = await Run(input.ToArray(), "publish", "framed", "--input", "length-prefixed");
        var truncated = await Run([.. input.ToArray(), 9, 0, 0, 0, (byte)'x'], "publish", "framed", "--input", "length-prefixed");
        var consumed = await Run([], "consume", "framed", "--count", "3");

        Assert.Equal("published 3\n", Encoding.UTF8.GetString(published.Out));
        Assert.Equal([(byte)'a', (byte)'\n', (byte)'b', (byte)'\n', 0, 0xFF, (byte)'\n', (byte)'\n'], consumed.Out);
        Assert.Equal(1, truncated.ExitCode);
        Assert.Equal("error: bad input: the input ends 8 bytes short of a 9-byte message (at byte 22); 3 messages before it were published\n", truncated.Error);
    }

    [Fact]
    public async Task Json_output_has_the_coordinates_key_headers_and_value_with_base64_for_bytes_that_are_not_utf8()
    {
        await Run([], "topic", "create", "js");
        await Run([.. "text \"quoted\" é"u8, (byte)'\n', 0xC3, 0x28, (byte)'\n'], "publish", "js", "--key", "k-1");

        var run = await Run([], "consume", "js", "--count", "2", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        string[] lines = Encoding.UTF8.GetString(run.Out).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var text = JsonDocument.Parse(lines[0]).RootElement;
        var bytes = JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal("js", text.GetProperty("topic").GetString());
        Assert.Equal(0, text.GetProperty("partition").GetInt32());
        Assert.Equal(0, text.GetProperty("offset").GetInt64());
        long ms = text.GetProperty("timestamp_ms").GetInt64();
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(ms), DateTimeOffset.Parse(text.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("k-1", text.GetProperty("key").GetString());
        Assert.Equal(JsonValueKind.Array, text.GetProperty("headers").ValueKind);
        Assert.Equal("text \"quoted\" é", text.GetProperty("value").GetString());
        Assert.False(text.TryGetProperty("value_encoding", out _));
        Assert.Equal(1, bytes.GetProperty("offset").GetInt64());
        Assert.Equal("base64", bytes.GetProperty("value_encoding").GetString());
        Assert.Equal(new byte[] { 0xC3, 0x28 }, bytes.GetProperty("value").GetBytesFromBase64());
    }

    [Fact]
    public async Task Receive_prints_raw_bytes_or_json_with_the_delivery_count()
    {
        await Run([], "queue", "create", "jobs");
        await Run([0xE9, (byte)'\n', .. "two"u8], "publish", "jobs");

        var raw = await Run([], "receive", "jobs", "--max", "1", "--wait", "0s");
        var json = await Run([], "receive", "jobs", "--max", "1", "--wait", "5s", "--format", "json");

        Assert.Equal(0, raw.ExitCode);
        Assert.Equal(new byte[] { 0xE9, (byte)'\n' }, raw.Out);
        var message = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal("two", message.GetProperty("value").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("key").ValueKind);
        Assert.Equal("jobs", message.GetProperty("topic").GetString());
        Assert.Equal(1, message.GetProperty("delivery_count").GetInt32());
    }

    [Fact]
    public async Task Counts_of_one_are_singular()
    {
        var created = await Text("topic", "create", "single");
        await Run([], "queue", "create", "jobs");
        var moved = await Text("dlq", "redrive", "jobs");

        Assert.Equal("created single (1 partition)\n", created);
        Assert.Equal("moved 0 messages back to jobs\n", moved);
        Assert.Equal("1 partition", FastBroker.Server.Cli.CliText.Count(1, "partition"));
        Assert.Equal("1 message", FastBroker.Server.Cli.CliText.Count(1, "message"));
        Assert.Equal("2 messages", FastBroker.Server.Cli.CliText.Count(2, "message"));
    }

    [Fact]
    public async Task Queue_commands_on_a_plain_topic_say_it_is_not_a_queue()
    {
        await Run([], "topic", "create", "plain");

        var stats = await Run([], "queue", "stats", "plain");
        var receive = await Run([], "receive", "plain");
        var elsewhere = await Run([], "queue", "stats", "nosuch", "--topic", "plain");

        string expected = "error: 'plain' is a topic but not a queue (make it one with 'fastbroker queue create NAME --topic plain', then use --topic plain)\n";
        Assert.Equal((1, expected), (stats.ExitCode, stats.Error));
        Assert.Equal((1, expected), (receive.ExitCode, receive.Error));
        Assert.Equal((1, "error: topic 'plain' has no queue 'nosuch'\n"), (elsewhere.ExitCode, elsewhere.Error));
    }
}
