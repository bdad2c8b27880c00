using System.Text;
using FastBroker.ClientLite;
using FastBroker.Server.Cli;
using FastBroker.Server.Tests.Support;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Cli;

/// <summary><c>topic create|alter|describe</c> with retention, <c>consume --from TIME|-DURATION</c>, and their value
/// syntaxes, in-process against the real broker started with a default retention of 7 days.</summary>
public sealed class TopicRetentionCliTests : IAsyncLifetime
{
    private readonly InProcessBroker _broker = new(o => o with { Retention = TimeSpan.FromDays(7) });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<(int ExitCode, string Out, string Error)> Run(params string[] args)
    {
        var (code, output, error) = await CliRun.BytesAsync([], [.. args, "--server", _broker.Endpoint]);
        return (code, Encoding.UTF8.GetString(output), error.Replace("\r\n", "\n"));
    }

    private static string[] RetentionLines(string describe)
        => describe.Split('\n').Where(l => l.StartsWith("retention", StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task Create_alter_and_describe_show_the_values_and_where_they_come_from()
    {
        var created = await Run("topic", "create", "orders", "--partitions", "2", "--retention-bytes", "10GiB");
        var described = await Run("topic", "describe", "orders");
        var altered = await Run("topic", "alter", "orders", "--retention", "none", "--retention-bytes", "default");
        var after = await Run("topic", "describe", "orders");

        Assert.Equal((0, "created orders (2 partitions)\n", ""), created);
        Assert.Equal(0, described.ExitCode);
        var lines = described.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("topic\torders", lines[0]);
        Assert.Matches("^id\t[0-9a-f]{32}$", lines[1]);
        Assert.Equal(["partitions\t2", "retention\t7d\tdefault", "retention-bytes\t10GiB\ttopic", "dedup-window\t2h\tdefault", "partition\t0\t0\t0", "partition\t1\t0\t0"], lines[2..]);
        Assert.Equal((0, "altered orders: retention none (topic), retention-bytes none (default)\n", ""), altered);
        Assert.Equal(["retention\tnone\ttopic", "retention-bytes\tnone\tdefault"], RetentionLines(after.Out));
    }

    [Fact]
    public async Task Alter_changes_only_what_it_is_given()
    {
        await Run("topic", "create", "orders", "--retention", "12h", "--retention-bytes", "1GiB");

        await Run("topic", "alter", "orders", "--retention", "30d");
        var described = await Run("topic", "describe", "orders");
        await Run("topic", "alter", "orders", "--retention", "default");
        var reset = await Run("topic", "describe", "orders");

        Assert.Equal(["retention\t30d\ttopic", "retention-bytes\t1GiB\ttopic"], RetentionLines(described.Out));
        Assert.Equal(["retention\t7d\tdefault", "retention-bytes\t1GiB\ttopic"], RetentionLines(reset.Out));
    }

    [Theory]
    [InlineData("topic", "alter", "orders")]
    [InlineData("topic", "create", "orders", "--retention", "7x")]
    [InlineData("topic", "create", "orders", "--retention", "0s")]
    [InlineData("topic", "alter", "orders", "--retention-bytes", "-1")]
    [InlineData("consume", "orders", "--from", "yesterday")]
    [InlineData("consume", "orders", "--from", "-15")]
    public async Task Bad_retention_and_start_values_are_usage_errors(params string[] args)
    {
        var (code, _, error) = await Run(args);

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
    }

    [Fact]
    public async Task Alter_and_describe_of_an_unknown_topic_fail_with_one_line()
    {
        var altered = await Run("topic", "alter", "nope", "--retention", "1d");
        var described = await Run("topic", "describe", "nope");

        Assert.Equal((1, "error: unknown topic 'nope'"), (altered.ExitCode, altered.Error.TrimEnd()));
        Assert.Equal((1, "error: unknown topic 'nope'"), (described.ExitCode, described.Error.TrimEnd()));
    }

    [Fact]
    public async Task Consume_from_a_time_or_a_time_ago_starts_at_the_first_message_stamped_since()
    {
        await Run("topic", "create", "orders");
        var now = DateTimeOffset.UtcNow;
        await using (var connection = await BrokerConnection.ConnectAsync(_broker.Endpoint))
        {
            await connection.PublishAsync("orders", 0, Batch(now.AddDays(-3), "old-1", "old-2"));
            await connection.PublishAsync("orders", 0, Batch(now.AddHours(-2), "recent"));
            await connection.PublishAsync("orders", 0, Batch(now, "new"));
        }
        string since = now.AddDays(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

        var fromTime = await Run("consume", "orders", "--from", since, "--timeout", "1s");
        var fromAgo = await Run("consume", "orders", "--from", "-1h", "--timeout", "1s");
        var fromFuture = await Run("consume", "orders", "--from", now.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture), "--timeout", "500ms");

        Assert.Equal((0, "recent\nnew\n", ""), fromTime);
        Assert.Equal((0, "new\n", ""), fromAgo);
        Assert.Equal((0, "", ""), fromFuture);
    }

    private static byte[] Batch(DateTimeOffset at, params string[] values)
    {
        using var builder = new RecordBatchBuilder();
        foreach (string value in values)
            builder.Append(at.ToUnixTimeMilliseconds(), hasKey: false, default, default, Encoding.UTF8.GetBytes(value));
        return builder.Seal().ToArray();
    }

    [Theory]
    [InlineData("7d", 7L * 86_400_000)]
    [InlineData("1.5h", 5_400_000L)]
    [InlineData("none", 0L)]
    [InlineData("default", -1L)]
    public void Topic_retention_values_parse_to_what_the_protocol_carries(string text, long expected)
    {
        Assert.True(CliValues.TryParseTopicRetention(text, out long value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Start_positions_read_times_and_times_ago_against_the_given_now()
    {
        var now = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.True(CliValues.TryParseStart("-15m", now, out var ago));
        Assert.True(CliValues.TryParseStart("2026-12-01T10:00:00Z", now, out var at));
        Assert.True(CliValues.TryParseStart("2026-12-01T10:00:00", now, out var utc));
        Assert.True(CliValues.TryParseStart("42", now, out var offset));
        Assert.False(CliValues.TryParseStart("-15m", out _));

        Assert.Equal(StartPosition.At(now.AddMinutes(-15)), ago);
        Assert.Equal(StartPosition.At(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero)), at);
        Assert.Equal(at, utc);
        Assert.Equal(StartPosition.Offset(42), offset);
    }

    [Fact]
    public void Days_are_a_retention_unit_only()
    {
        Assert.True(CliValues.TryParseRetention("7d", out var week));
        Assert.Equal(TimeSpan.FromDays(7), week);
        Assert.False(CliValues.TryParseDuration("1d", out _));
        Assert.True(CliValues.TryParseRetention("none", out var none));
        Assert.Null(none);
    }
}
