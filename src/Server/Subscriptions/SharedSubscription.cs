using FastBroker.Server.Topics;
using FastBroker.Wire.Filters;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Subscriptions;

/// <summary>
/// A shared subscription (work queue) on a topic: per partition a <see cref="QueueState"/> behind its own lock,
/// one durable <see cref="AckLog"/>, a mover to the dead-letter topic, and a one-second tick for timeouts, rates and
/// deleting journal segments every subscription has acked past. Locks are per partition and held for one request's
/// bookkeeping only — never across I/O; the partitions' writer loops never take them.
/// </summary>
internal sealed partial class SharedSubscription : IAckLogOwner, IAsyncDisposable
{
    private readonly Topic _topic;
    // The topic's other subscriptions, whose ack floors bound which journal segments may go.
    private readonly SubscriptionSet _set;
    private readonly QueueState[] _states;
    private readonly long[] _durableFloors;
    private readonly SubscriptionContext _context;
    private readonly ITimer _tick;
    private AckLog _log = null!;
    private OneShotSignal _signal = new();
    private int _inFlight;
    private int _rotation;
    private long _delivered;
    private long _acked;
    private volatile bool _closed;

    private SharedSubscription(SubscriptionSet set, string name, string directory, SubscriptionSettings settings)
    {
        var topic = set.Topic;
        var context = set.Context;
        _topic = topic;
        _set = set;
        Name = name;
        Directory = directory;
        Settings = settings;
        _context = context;
        // Parsed once, here, for creation and for every restart; the text was validated before it was stored.
        _filter = settings.Filter.Length == 0 ? null : MessageFilter.Parse(settings.Filter);
        _states = new QueueState[topic.Partitions.Length];
        for (int i = 0; i < _states.Length; i++)
            _states[i] = new QueueState(settings.MaxDeliveries, FirstStored(topic.Partitions[i]), _filter is not null, NewKeyGate(settings), context.MaxDelaysInMemory);
        _scanner = set.Scanner;
        _scanRuns = new List<ScanRun>[_filter is null ? 0 : _states.Length];
        for (int i = 0; i < _scanRuns.Length; i++) _scanRuns[i] = [];
        _durableFloors = new long[_states.Length];
        _mover = new Durability.GroupCommitLoop<DeadLetterItem>($"dead-letter mover of {topic.Name}/{name}", this, MaxMoveGroup, long.MaxValue, context.Logger);
        // Started by Open once the ack log is there: a tick must not find the subscription half-opened.
        _tick = context.Time.CreateTimer(static s => ((SharedSubscription)s!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Name { get; }
    public string Directory { get; }
    public string TopicName => _topic.Name;
    public SubscriptionSettings Settings { get; }
    public int PartitionCount => _states.Length;
    public bool IsClosed => _closed;

    /// <summary>Why the subscription cannot make acks durable or move dead letters (its ack log or mover stopped),
    /// or null while it works. Stats and acks are answered with it.</summary>
    public string? Failure => _log.Failure ?? _mover.Failure;

    /// <summary>The ack log's writer loop (tests inject failures through it).</summary>
    internal Durability.GroupCommitLoop<AckLogEntry> AckWriter => _log.Writer;

    /// <summary>Per partition, the floor below which every ack is durable: journal segments below the lowest of
    /// these over all subscriptions may be deleted.</summary>
    public long DurableFloor(int partition) => Volatile.Read(ref _durableFloors[partition]);

    /// <summary>Opens (or creates, when <paramref name="create"/>) the subscription stored in <paramref name="directory"/>
    /// as a member of <paramref name="set"/>; a filtered one joins the set's shared scan.</summary>
    public static SharedSubscription Open(SubscriptionSet set, string name, string directory, SubscriptionSettings settings, bool create,
        SubscriptionStart start = default)
    {
        var topic = set.Topic;
        var context = set.Context;
        if (create)
        {
            System.IO.Directory.CreateDirectory(directory);
            SubscriptionFile.Write(directory, settings);
        }
        var subscription = new SharedSubscription(set, name, directory, settings);
        if (create)
        {
            // A new subscription starts where it was asked to (PROTOCOL.md section 8.1), by default at each
            // partition's end: what was published before belongs to the topic's history, not to this queue. The
            // snapshot written on open makes the starting floors durable.
            for (int p = 0; p < subscription._states.Length; p++)
                if (topic.Partitions[p].TryGetJournal(out var journal, out _))
                    subscription._states[p].RestoreFloor(ResolveStart(journal, start), 0);
        }
        subscription._log = AckLog.Open(Path.Combine(directory, "acks.log"), context.Fsync, context.AckLogCompactBytes,
            context.Logger, context.Time, subscription);
        foreach (var state in subscription._states) state.FinishRestore();
        // A floor made durable before the journal's start moved past it (retention) starts at the log start. Not
        // counted again: the run that saw the messages go counted them.
        for (int p = 0; p < subscription._states.Length; p++)
            if (topic.Partitions[p].TryGetJournal(out var journal, out _))
                subscription._states[p].DropBelow(journal.StartOffset);
        for (int i = 0; i < subscription._states.Length; i++) subscription._durableFloors[i] = subscription._states[i].Floor;
        subscription._mover.Start();
        if (subscription._filter is not null) set.Scanner.Add(subscription);
        subscription._tick.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return subscription;
    }

    // Segments below the journal's start were deleted once every subscription of the time had acked them; one
    // created later starts at the first message still stored, as reads below it fail.
    private static long FirstStored(Partition partition) => partition.TryGetJournal(out var journal, out _) ? journal.StartOffset : 0;

    private long NowMs => _context.Time.GetUtcNow().ToUnixTimeMilliseconds();

    // Wakes receivers waiting for something to become visible (nack, release, timeout, room under max in flight).
    private void Wake()
    {
        Interlocked.MemoryBarrier();
        var signal = _signal;
        if (!signal.HasWaiters) return;
        Volatile.Write(ref _signal, new OneShotSignal());
        signal.Fire();
    }

    // Called with the partition's lock held: hands failures and dead letters gathered by the state to the log and
    // the mover, in the same critical section, so the log sees them in the order they happened.
    private void DrainLocked(int partition, QueueState state)
    {
        foreach (var (offset, deliveries) in state.Failures)
            _log.TryAppend(new AckLogEntry(AckRecordKind.Deliveries, partition, offset, deliveries));
        state.Failures.Clear();
        foreach (var (offset, deliveries) in state.DeadLetters)
            _mover.TryEnqueue(new DeadLetterItem(partition, offset, deliveries));
        state.DeadLetters.Clear();
        foreach (var (offset, deliveries) in state.ExpiredDeadLetters)
            _mover.TryEnqueue(new DeadLetterItem(partition, offset, deliveries, Expired: true));
        state.ExpiredDeadLetters.Clear();
    }

    int IAckReplayTarget.PartitionCount => _states.Length;
    void IAckReplayTarget.ReplayAck(int partition, long first, long count)
    {
        for (long offset = first; offset < first + count; offset++) _states[partition].RestoreDone(offset, deadLettered: false);
    }
    void IAckReplayTarget.ReplayDeliveries(int partition, long offset, ushort deliveries) => _states[partition].RestoreDeliveries(offset, deliveries);
    void IAckReplayTarget.ReplayDeadLettered(int partition, long offset, ushort deliveries) => _states[partition].RestoreDone(offset, deadLettered: true);
    void IAckReplayTarget.ReplaySnapshot(int partition, long floor, long deadLettered) => _states[partition].RestoreFloor(floor, deadLettered);

    void IAckReplayTarget.WriteSnapshot(int partition, AckSnapshotWriter writer)
    {
        var state = _states[partition];
        lock (state.Gate)
        {
            writer.Snapshot(partition, state.Floor, state.DeadLettered);
            state.VisitDoneRuns((writer, partition), static (s, first, count) => s.writer.Ack(s.partition, first, count));
            state.VisitDeliveries((writer, partition), static (s, offset, n) => s.writer.Deliveries(s.partition, offset, n));
        }
    }

    void IAckLogOwner.FloorsDurable(ReadOnlySpan<long> floors)
    {
        // Only the ack log's loop raises these; a reset lowers them and holds them until its rewrite is durable.
        lock (_floorGate)
        {
            if (_floorsHeld) return;
            for (int i = 0; i < floors.Length; i++)
                if (floors[i] > Volatile.Read(ref _durableFloors[i])) Volatile.Write(ref _durableFloors[i], floors[i]);
        }
    }

    // Called with the partition's lock held, after the records that moved the floor were queued: the log tells
    // the subscription the new floor once those records are durable (segments below it may then go).
    private void NoteFloorLocked(int partition, QueueState state, long before)
    {
        if (state.Floor > before) _log.TryAppend(new AckLogEntry(AckRecordKind.Floor, partition, state.Floor, 0));
    }

    /// <summary>Stops the tick and the mover, waits for dead-letter copies already handed over, then writes and syncs the ack log.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_closed) return;
        _closed = true;
        if (_filter is not null) _scanner.Remove(this);
        await _tick.DisposeAsync().ConfigureAwait(false);
        await DisposeDelayTimerAsync().ConfigureAwait(false);
        // A topic being deleted holds the registry's lock, which a mover creating the dead-letter topic waits for;
        // any other stop lets the mover finish, so a move under way is recorded before the ack log closes.
        if (_topic.Deleted) _moverStop.Cancel();
        await _mover.DisposeAsync().ConfigureAwait(false);
        _moverStop.Dispose();
        await WaitForMovesAsync().ConfigureAwait(false);
        await _log.DisposeAsync().ConfigureAwait(false);
        _signal.Fire();
    }
}
