using System.CommandLine;
using FastBroker.ClientLite;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Cli;

/// <summary><c>topic create|alter|describe|list|delete</c>.</summary>
internal static class TopicCommands
{
    public static Command Build(CliConsole console, Option<string> server)
    {
        var create = new Command("create", "Create a topic");
        var createName = CliOptions.TopicName();
        var partitions = CliOptions.Int("--partitions", "Number of partitions", 1, Wire.Protocol.MaxPartitions, CliDefaults.Partitions);
        var createRetention = CliOptions.TopicRetention("Delete messages older than this (7d, 12h); none keeps them forever (default: the broker's --retention)");
        var createRetentionBytes = CliOptions.TopicRetentionBytes("Keep at most this much per partition (10GiB); none sets no limit (default: the broker's --retention-bytes)");
        var createDedupWindow = CliOptions.TopicDedupWindow("Don't store a message again whose fb-dedup-id was stored in its partition this recently (2h, 10m); off turns it off (default: the broker's --dedup-window)");
        create.Arguments.Add(createName);
        create.Options.Add(partitions);
        create.Options.Add(createRetention);
        create.Options.Add(createRetentionBytes);
        create.Options.Add(createDedupWindow);
        create.SetAction((result, ct) =>
        {
            string name = result.GetValue(createName)!;
            int count = result.GetValue(partitions);
            long ms = result.GetValue(createRetention) ?? TopicRetention.BrokerDefault;
            long bytes = result.GetValue(createRetentionBytes) ?? TopicRetention.BrokerDefault;
            long window = result.GetValue(createDedupWindow) ?? TopicRetention.BrokerDefault;
            return CliErrors.GuardAsync(console, name, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                await connection.CreateTopicAsync(name, count, Options(ms, bytes, window, TopicRetention.BrokerDefault), ct).ConfigureAwait(false);
                await console.Out.WriteLineAsync($"created {name} ({CliText.Count(count, "partition")})").ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });

        var alter = new Command("alter", "Change a topic's retention or dedup window; 'default' makes it follow the broker's default again");
        var alterName = CliOptions.TopicName();
        var alterRetention = CliOptions.TopicRetention("Delete messages older than this (7d, 12h); none keeps them forever; default follows the broker's --retention");
        var alterRetentionBytes = CliOptions.TopicRetentionBytes("Keep at most this much per partition (10GiB); none sets no limit; default follows the broker's --retention-bytes");
        var alterDedupWindow = CliOptions.TopicDedupWindow("Don't store a message again whose fb-dedup-id was stored in its partition this recently (2h, 10m); off turns it off; default follows the broker's --dedup-window");
        alter.Arguments.Add(alterName);
        alter.Options.Add(alterRetention);
        alter.Options.Add(alterRetentionBytes);
        alter.Options.Add(alterDedupWindow);
        alter.Validators.Add(result =>
        {
            if (result.GetResult(alterRetention) is null && result.GetResult(alterRetentionBytes) is null && result.GetResult(alterDedupWindow) is null)
                result.AddError("topic alter needs --retention, --retention-bytes or --dedup-window");
        });
        alter.SetAction((result, ct) =>
        {
            string name = result.GetValue(alterName)!;
            long ms = result.GetValue(alterRetention) ?? TopicRetention.Unchanged;
            long bytes = result.GetValue(alterRetentionBytes) ?? TopicRetention.Unchanged;
            long window = result.GetValue(alterDedupWindow) ?? TopicRetention.Unchanged;
            return CliErrors.GuardAsync(console, name, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                await connection.AlterTopicAsync(name, Options(ms, bytes, window, TopicRetention.Unchanged), ct).ConfigureAwait(false);
                bool withWindow = window != TopicRetention.Unchanged;
                var metadata = await connection.GetTopicMetadataAsync(name, includeRetention: true, includeDedupWindow: withWindow, ct).ConfigureAwait(false);
                var retention = metadata.Retention!;
                string dedup = withWindow ? $", dedup-window {Window(metadata.DedupWindow!)} ({Source(metadata.DedupWindow!.IsTopics)})" : "";
                await console.Out.WriteLineAsync($"altered {name}: retention {Age(retention)} ({Source(retention.AgeIsTopics)}), "
                    + $"retention-bytes {Bytes(retention)} ({Source(retention.BytesIsTopics)}){dedup}").ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });

        var describe = new Command("describe", "Show a topic: NAME<TAB>VALUE lines with its id, partition count, retention and dedup window and where each comes from "
            + "(topic or default), then 'partition<TAB>N<TAB>START<TAB>END' per partition");
        var describeName = CliOptions.TopicName();
        describe.Arguments.Add(describeName);
        describe.SetAction((result, ct) =>
        {
            string name = result.GetValue(describeName)!;
            return CliErrors.GuardAsync(console, name, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                var metadata = await connection.GetTopicMetadataAsync(name, includeRetention: true, includeDedupWindow: true, ct).ConfigureAwait(false);
                var retention = metadata.Retention!;
                var text = new System.Text.StringBuilder();
                text.Append("topic\t").Append(name).Append('\n');
                text.Append("id\t").Append(metadata.TopicId.ToString("N")).Append('\n');
                text.Append("partitions\t").Append(metadata.PartitionCount).Append('\n');
                text.Append("retention\t").Append(Age(retention)).Append('\t').Append(Source(retention.AgeIsTopics)).Append('\n');
                text.Append("retention-bytes\t").Append(Bytes(retention)).Append('\t').Append(Source(retention.BytesIsTopics)).Append('\n');
                text.Append("dedup-window\t").Append(Window(metadata.DedupWindow!)).Append('\t').Append(Source(metadata.DedupWindow!.IsTopics)).Append('\n');
                for (int i = 0; i < metadata.PartitionCount; i++)
                    text.Append(System.Globalization.CultureInfo.InvariantCulture,
                        $"partition\t{i}\t{metadata.Partitions[i].StartOffset}\t{metadata.Partitions[i].EndOffset}\n");
                await console.Out.WriteAsync(text.ToString()).ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });

        var list = new Command("list", "List topics: NAME<TAB>PARTITIONS per line (with --ids: NAME<TAB>PARTITIONS<TAB>ID)");
        var ids = new Option<bool>("--ids") { Description = "Add each topic's id: a topic deleted and created again under the same name has another one" };
        list.Options.Add(ids);
        list.SetAction((result, ct) => CliErrors.GuardAsync(console, null, async () =>
        {
            bool withIds = result.GetValue(ids);
            await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
            var topics = await connection.ListTopicsAsync(ct).ConfigureAwait(false);
            foreach (var topic in topics)
            {
                string line = withIds ? $"{topic.Name}\t{topic.Partitions}\t{topic.TopicId:N}" : $"{topic.Name}\t{topic.Partitions}";
                await console.Out.WriteLineAsync(line).ConfigureAwait(false);
            }
            return ClientCli.ExitOk;
        }, ct));

        var delete = new Command("delete", "Delete a topic and all its messages");
        var deleteName = CliOptions.TopicName();
        delete.Arguments.Add(deleteName);
        delete.SetAction((result, ct) =>
        {
            string name = result.GetValue(deleteName)!;
            return CliErrors.GuardAsync(console, name, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                await connection.DeleteTopicAsync(name, ct).ConfigureAwait(false);
                await console.Out.WriteLineAsync($"deleted {name}").ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });

        return new Command("topic", "Manage topics") { create, alter, describe, list, delete };
    }

    // The protocol's values (PROTOCOL.md 5.3) as ClientLite's options; absent is what the request means by leaving it out.
    private static TopicOptions Options(long ms, long bytes, long window, long absent) => new()
    {
        DedupWindow = window == absent || window == TopicRetention.BrokerDefault ? null : TimeSpan.FromMilliseconds(window),
        ResetDedupWindow = window == TopicRetention.BrokerDefault && absent != TopicRetention.BrokerDefault,
        Retention = ms == absent || ms == TopicRetention.BrokerDefault ? null
            : ms == TopicRetention.Unlimited ? TopicOptions.Forever : TimeSpan.FromMilliseconds(ms),
        ResetRetention = ms == TopicRetention.BrokerDefault && absent != TopicRetention.BrokerDefault,
        RetentionBytes = bytes == absent || bytes == TopicRetention.BrokerDefault ? null
            : bytes == TopicRetention.Unlimited ? TopicOptions.NoSizeLimit : bytes,
        ResetRetentionBytes = bytes == TopicRetention.BrokerDefault && absent != TopicRetention.BrokerDefault,
    };

    private static string Age(TopicRetentionInfo retention) => CliValues.FormatRetention((long)(retention.MaxAge?.TotalMilliseconds ?? 0));

    private static string Bytes(TopicRetentionInfo retention) => CliValues.FormatRetentionBytes(retention.MaxBytes ?? 0);

    private static string Window(TopicDedupWindowInfo window) => CliValues.FormatDedupWindow((long)window.Window.TotalMilliseconds);

    private static string Source(bool topics) => topics ? "topic" : "default";
}
