using FastBroker.ClientLite.Internal;
using FastBroker.Wire;

namespace FastBroker.ClientLite;

public sealed partial class TopicReader
{
    // Rounds of "commit what was asked back, stop reading it, confirm" one heartbeat may take: each round the broker
    // can only ask back more when the membership changed again meanwhile, so a few rounds settle it.
    private const int MaxConfirmRounds = 4;

    private string? _memberId;
    private uint _generation;
    private TimeSpan _heartbeatInterval;
    private int[] _assigned = [];

    /// <summary>
    /// The partitions of <see cref="Topic"/> the reader reads now, ascending. A reader that joined its group (see
    /// <see cref="TopicReaderOptions.Group"/>) reads the share the broker assigned it, which changes as members come
    /// and go (<see cref="AssignmentChanged"/>); any other reader reads the partitions it was given (all, or
    /// <see cref="TopicReaderOptions.Partitions"/>). Empty before reading starts.
    /// </summary>
    public IReadOnlyList<int> AssignedPartitions => _memberId is not null ? _assigned : CursorPartitions();

    /// <summary>The member id the broker gave the reader when it joined its group; null when it has not joined.</summary>
    public string? MemberId => _memberId;

    /// <summary>The group's generation on the topic as the reader last learnt it (0 when it has not joined).</summary>
    public uint Generation => _generation;

    /// <summary>
    /// Raised on the reading thread when the reader's assigned partitions change (<see cref="AssignedPartitions"/>):
    /// after a partition was asked back (its position committed first), and when partitions were given to it.
    /// </summary>
    public event Action<IReadOnlyList<int>>? AssignmentChanged;

    /// <summary>True for a reader that joins its group: a group, one topic, no partitions chosen by hand.</summary>
    private bool JoinsGroup => _options.Group is not null && _options.Partitions is null && _pattern is null;

    private int[] CursorPartitions()
    {
        var partitions = new int[_cursors.Length];
        for (int i = 0; i < partitions.Length; i++) partitions[i] = _cursors[i].Partition;
        return partitions;
    }

    /// <summary>
    /// Joins the group (again, as the same member when the broker still has it) and applies the assignment. False
    /// when the broker has no coordinator (<see cref="ErrorCode.UnknownOpcode"/>): the reader then reads every
    /// partition without membership, as readers did before.
    /// </summary>
    private async ValueTask<bool> JoinAsync(BrokerConnection connection, CancellationToken cancellationToken)
    {
        GroupMembership membership;
        try
        {
            membership = await connection.JoinGroupAsync(_options.Group!, Topic, _options.SessionTimeout, _memberId, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerException e) when (e.Code == ErrorCode.UnknownOpcode && _memberId is null)
        {
            return false;
        }
        _memberId = membership.MemberId;
        await ApplyAsync(connection, membership, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The heartbeat: reports the partitions read, gives back what was asked back, takes what was given.
    /// A membership the broker no longer has (session ended, broker restarted) is joined anew.</summary>
    private async ValueTask HeartbeatAsync(BrokerConnection connection, CancellationToken cancellationToken)
    {
        GroupMembership membership;
        try
        {
            membership = await connection.HeartbeatAsync(_options.Group!, Topic, _memberId!, _generation, CursorPartitions(), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (BrokerException e) when (e.Code == ErrorCode.UnknownMember)
        {
            // Its partitions may be read by others already: what was not committed is theirs to read again.
            _memberId = null;
            await JoinAsync(connection, cancellationToken).ConfigureAwait(false);
            return;
        }
        await ApplyAsync(connection, membership, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A heartbeat between two messages of one fetch; returns the failure when it lost the connection.</summary>
    private async ValueTask<Exception?> TryHeartbeatAsync(BrokerConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await HeartbeatAsync(connection, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (IsConnectionLoss(e))
        {
            return e;
        }
    }

    /// <summary>
    /// Makes the cursors match <paramref name="membership"/>: for partitions asked back, commits what was consumed,
    /// stops reading and confirms with another heartbeat (so the broker can give them on at once); for partitions
    /// given, opens cursors at the group's positions.
    /// </summary>
    private async ValueTask ApplyAsync(BrokerConnection connection, GroupMembership membership, CancellationToken cancellationToken)
    {
        bool changed = false;
        for (int round = 0; ; round++)
        {
            _generation = membership.Generation;
            _heartbeatInterval = membership.HeartbeatInterval;
            var assigned = new HashSet<int>(membership.Partitions);
            var revoked = new List<PartitionCursor>();
            foreach (var cursor in _cursors)
                if (!assigned.Contains(cursor.Partition)) revoked.Add(cursor);
            if (revoked.Count == 0 || round == MaxConfirmRounds)
                break;
            await CommitCursorsAsync(connection, revoked, ignoreFencing: true, cancellationToken).ConfigureAwait(false);
            foreach (var cursor in revoked) Drain(cursor);
            _cursors = Array.FindAll(_cursors, c => assigned.Contains(c.Partition));
            changed = true;
            membership = await connection.HeartbeatAsync(_options.Group!, Topic, _memberId!, _generation, CursorPartitions(), cancellationToken)
                .ConfigureAwait(false);
        }

        var reading = new HashSet<int>(CursorPartitions());
        var added = new List<int>();
        foreach (int partition in membership.Partitions)
            if (!reading.Contains(partition)) added.Add(partition);
        if (added.Count > 0)
        {
            var opened = await OpenTopicAsync(connection, Topic, _options.Start, added, cancellationToken).ConfigureAwait(false);
            _cursors = [.. _cursors, .. opened];
            changed = true;
        }
        _assigned = [.. membership.Partitions];
        if (changed)
            AssignmentChanged?.Invoke(_assigned);
    }

    /// <summary>Commits each cursor's position where it moved; with <paramref name="ignoreFencing"/> a commit the broker
    /// fences is dropped (the partition's new owner reads those messages again) rather than thrown.</summary>
    private async ValueTask CommitCursorsAsync(BrokerConnection connection, IReadOnlyList<PartitionCursor> cursors, bool ignoreFencing,
        CancellationToken cancellationToken)
    {
        var commits = new List<(PartitionCursor Cursor, long Position, ValueTask Commit)>();
        foreach (var cursor in cursors)
        {
            long position = cursor.Position;
            if (position == cursor.Committed) continue;
            var commit = _memberId is { } member
                ? connection.CommitPositionAsync(_options.Group!, cursor.Topic, cursor.Partition, position, member, _generation, cancellationToken)
                : connection.CommitPositionAsync(_options.Group!, cursor.Topic, cursor.Partition, position, cancellationToken);
            commits.Add((cursor, position, commit));
        }
        Exception? first = null;
        foreach (var (cursor, position, commit) in commits)
        {
            try
            {
                await commit.ConfigureAwait(false);
                cursor.Committed = position;
            }
            catch (BrokerException e) when (e.Code == ErrorCode.UnknownTopic && _pattern is not null)
            {
                // Deleted since it was read: its positions went with it, and the next refresh drops it.
            }
            catch (BrokerException e) when (ignoreFencing && e.Code is ErrorCode.UnknownMember or ErrorCode.StaleGeneration)
            {
            }
            catch (Exception e)
            {
                // Every commit was sent; await them all before reporting the first failure.
                first ??= e;
            }
        }
        if (first is not null)
            throw first;
    }

    /// <summary>Leaves the group on the way out, so the other members get the partitions at once; best effort, bounded.</summary>
    private async ValueTask LeaveAsync(BrokerConnection connection)
    {
        if (_memberId is not { } member || !connection.IsConnected) return;
        _memberId = null;
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
        try
        {
            await connection.LeaveGroupAsync(_options.Group!, Topic, member, bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BrokerException or BrokerConnectionException or TimeoutException or OperationCanceledException)
        {
            // The session timeout releases the partitions anyway.
        }
    }
}
