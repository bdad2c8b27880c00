using System.CommandLine;
using System.Globalization;
using System.Text;
using FastBroker.ClientLite;

namespace FastBroker.Server.Cli;

/// <summary><c>group list|describe|reset</c>: consumer-group positions (PROTOCOL.md 5.26 to 5.28).</summary>
internal static class GroupCommands
{
    public static Command Build(CliConsole console, Option<string> server)
    {
        var list = new Command("list", "List consumer groups with a stored position: NAME<TAB>TOPIC,TOPIC... per line");
        list.SetAction((result, ct) => CliErrors.GuardAsync(console, null, async () =>
        {
            await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
            var groups = await connection.ListGroupsAsync(ct).ConfigureAwait(false);
            var text = new StringBuilder();
            foreach (var group in groups) text.Append(group.Name).Append('\t').AppendJoin(',', group.Topics).Append('\n');
            await console.Out.WriteAsync(text.ToString()).ConfigureAwait(false);
            return ClientCli.ExitOk;
        }, ct));

        var describe = new Command("describe", "Show a group's position in each partition and who reads it: a header line, then "
            + "TOPIC<TAB>PARTITION<TAB>COMMITTED<TAB>START<TAB>END<TAB>LAG<TAB>AGE<TAB>OWNER per partition (COMMITTED - when none; LAG in messages; "
            + "AGE: how old the oldest unconsumed message is, - when caught up; OWNER: the member reading it, - when none). When the group "
            + "has members: a blank line, a header, then MEMBER<TAB>CLIENT<TAB>TOPIC<TAB>GENERATION<TAB>SESSION<TAB>PARTITIONS<TAB>REVOKING per member");
        var describeName = GroupName();
        var describeTopic = CliOptions.Name("--topic", "Only this topic (default: every topic the group has a position or members on)", "TOPIC");
        var describeFormat = new Option<string>("--format")
        {
            Description = "text: the tab-separated lines above; json: one object with \"partitions\" and \"members\" arrays",
            HelpName = "text|json",
            DefaultValueFactory = _ => "text",
        };
        describeFormat.AcceptOnlyFromAmong("text", "json");
        describe.Arguments.Add(describeName);
        describe.Options.Add(describeTopic);
        describe.Options.Add(describeFormat);
        describe.SetAction((result, ct) =>
        {
            string group = result.GetValue(describeName)!;
            string? topic = result.GetValue(describeTopic);
            bool json = result.GetValue(describeFormat) == "json";
            return CliErrors.GuardAsync(console, topic, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                var description = await connection.DescribeGroupWithMembersAsync(group, topic, ct).ConfigureAwait(false);
                string text = json ? Output.GroupDescriptionPrinter.Json(description) : Output.GroupDescriptionPrinter.Text(description);
                await console.Out.WriteAsync(text).ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });

        var reset = new Command("reset", "Move a group's positions in a topic and print them: TOPIC<TAB>PARTITION<TAB>OFFSET per partition. "
            + "Refused (GroupBusy) while the group has members on the topic: stop its readers first (--dry-run is answered)");
        var resetName = GroupName();
        var resetTopic = CliOptions.Name("--topic", "The topic whose positions to move", "TOPIC");
        resetTopic.Required = true;
        var to = To();
        var partition = new Option<int[]>("--partition") { Description = "Only this partition (repeat for more; default: every partition)", HelpName = "P" };
        partition.Validators.Add(r =>
        {
            foreach (int p in r.GetValueOrDefault<int[]>() ?? [])
                if (p < 0) r.AddError($"--partition {p} is negative");
        });
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the positions the reset would set, and change nothing" };
        reset.Arguments.Add(resetName);
        reset.Options.Add(resetTopic);
        reset.Options.Add(to);
        reset.Options.Add(partition);
        reset.Options.Add(dryRun);
        reset.SetAction((result, ct) =>
        {
            string group = result.GetValue(resetName)!;
            string topic = result.GetValue(resetTopic)!;
            bool dry = result.GetValue(dryRun);
            int[] only = result.GetValue(partition) ?? [];
            var target = result.GetValue(to);
            return CliErrors.GuardAsync(console, topic, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                var set = await connection.ResetGroupAsync(group, topic, target, only, dry, ct).ConfigureAwait(false);
                var text = new StringBuilder();
                foreach (var (index, offset) in set) text.Append(CultureInfo.InvariantCulture, $"{topic}\t{index}\t{offset}\n");
                await console.Out.WriteAsync(text.ToString()).ConfigureAwait(false);
                if (dry) await console.Error.WriteLineAsync("dry run: nothing was changed").ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });

        return new Command("group", "Consumer groups: list them, show their lag, move their positions") { list, describe, reset };
    }

    private static Argument<string> GroupName()
    {
        var argument = new Argument<string>("name") { Description = "Consumer group name" };
        argument.Validators.Add(result =>
        {
            string value = result.GetValueOrDefault<string>() ?? "";
            if (value.Length == 0 || Encoding.UTF8.GetByteCount(value) > Wire.Protocol.MaxGroupNameBytes)
                result.AddError($"a group name is 1 to {Wire.Protocol.MaxGroupNameBytes} bytes of UTF-8");
        });
        return argument;
    }

    private static Option<StartPosition> To() => new("--to")
    {
        Description = "Where to move the positions: earliest, latest, an offset (a partition that does not hold it gets its nearest end), "
            + "a time (2026-12-01T10:00:00Z; UTC without an offset) or a time ago (-15m, -2h, -7d): the first message stamped at or after it",
        HelpName = "earliest|latest|OFFSET|TIME|-DURATION",
        Required = true,
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (CliValues.TryParseStart(text, TimeProvider.System.GetUtcNow(), out var start))
                return start;
            result.AddError($"'{text}' is not a position for --to (use earliest, latest, an offset, a time such as 2026-12-01T10:00:00Z or a time ago such as -15m)");
            return default;
        },
    };

}
