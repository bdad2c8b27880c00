using FastBroker.Server.Subscriptions;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>
/// Drives a <see cref="QueueState"/> and a <see cref="QueueModel"/> with the same operations and compares them after
/// every step. It also keeps the records a subscription would write to its ack log (acks applied, failed deliveries,
/// completed dead letters; a snapshot when compacting and after every restart), and restarts by replaying them
/// alone into a new state, as the broker does.
/// </summary>
internal sealed class QueueStateHarness
{
    public const int Capacity = 64;
    public const int MaxDeliveries = 3;
    public const long Holders = 3;

    private readonly QueueModel _model = new(MaxDeliveries, Capacity);
    private readonly List<(AckRecordKind Kind, long A, long B)> _log = [];
    private readonly List<DeliveryRange> _ranges = [];
    private QueueState _state = new(MaxDeliveries);
    private long _now = 1_000;
    private long _end;
    private int _step;

    public void Run(QueueOp[] ops)
    {
        foreach (var op in ops)
        {
            _step++;
            Apply(op);
            Compare(op);
        }
    }

    private void Apply(QueueOp op)
    {
        switch (op.Kind)
        {
            case QueueOpKind.Acquire: Acquire(op); break;
            case QueueOpKind.Ack: Ack(op); break;
            case QueueOpKind.Nack:
                Same(op, _model.Nack(op.First, op.Count, op.Holder, op.Ms, _now), _state.Nack(op.First, op.Count, op.Holder, op.Ms, _now));
                break;
            case QueueOpKind.Extend:
                Same(op, _model.Extend(op.First, op.Count, op.Holder, op.Ms, _now), _state.Extend(op.First, op.Count, op.Holder, op.Ms, _now));
                break;
            case QueueOpKind.Release:
                Same(op, _model.Release(op.Holder, _now), _state.Release(op.Holder, _now));
                break;
            case QueueOpKind.Advance: _now += op.Ms; break;
            case QueueOpKind.Publish: _end = Math.Min(Capacity, _end + op.Count); break;
            case QueueOpKind.CompleteDeadLetter: CompleteDeadLetter(op); break;
            case QueueOpKind.Tick:
                _model.Expire(_now);
                _state.Expire(_now);
                break;
            case QueueOpKind.Compact: _log.Clear(); WriteSnapshot(); break;
            case QueueOpKind.Restart: Restart(); break;
        }
        Drain(op);
    }

    private void Acquire(QueueOp op)
    {
        var expected = _model.Acquire(_now, _end, op.Count, op.Holder, op.Ms);
        _ranges.Clear();
        int count = _state.Acquire(_now, _end, op.Count, op.Holder, op.Ms, autoAck: false, _ranges);
        var actual = new List<(long, int)>();
        foreach (var range in _ranges)
            for (long offset = range.First; offset < range.End; offset++) actual.Add((offset, range.DeliveryCount));
        Check(expected.SequenceEqual(actual), op, () => $"acquired [{string.Join(" ", actual)}], model [{string.Join(" ", expected)}]");
        Check(count == actual.Count, op, () => $"returned {count} for {actual.Count} offsets");

        // A frame cut short gives back the tail of what it took, newest last.
        for (int i = Math.Min(op.Keep, expected.Count); i < expected.Count; i++)
        {
            _model.GiveBack(expected[i].Offset);
            _state.Unacquire(expected[i].Offset);
        }
    }

    private void Ack(QueueOp op)
    {
        var applied = new List<long>();
        int expected = _model.Ack(op.First, op.Count, applied);
        var runs = new List<(long First, int Count)>();
        int actual = _state.Ack(op.First, op.Count, runs, static (list, first, count) => list.Add((first, count)));
        Same(op, expected, actual);
        var logged = runs.SelectMany(r => Enumerable.Range(0, r.Count).Select(i => r.First + i)).ToList();
        Check(applied.SequenceEqual(logged), op, () => $"reported [{string.Join(" ", logged)}] applied, model [{string.Join(" ", applied)}]");
        // As the subscription does: the runs applied go to the log.
        foreach (var (first, count) in runs) _log.Add((AckRecordKind.Ack, first, count));
    }

    private void CompleteDeadLetter(QueueOp op)
    {
        var waiting = Enumerable.Range(0, Capacity).Where(o => _model[o].Status == ModelStatus.DeadLettering).ToList();
        if (waiting.Count == 0) return;
        long offset = waiting[(int)(op.First % waiting.Count)];
        int deliveries = _model[offset].Deliveries;
        _model.CompleteDeadLetter(offset);
        _state.CompleteDeadLetter(offset);
        _log.Add((AckRecordKind.DeadLettered, offset, deliveries));
    }

    // What the owner does with the lists the state fills: failures to the log, dead letters to the mover.
    private void Drain(QueueOp op)
    {
        var failures = _state.Failures.Select(f => (f.Offset, (int)f.Deliveries)).OrderBy(f => f).ToList();
        var expectedFailures = _model.Failures.OrderBy(f => f).ToList();
        Check(expectedFailures.SequenceEqual(failures), op, () => $"failures [{string.Join(" ", failures)}], model [{string.Join(" ", expectedFailures)}]");
        foreach (var (offset, deliveries) in _state.Failures) _log.Add((AckRecordKind.Deliveries, offset, deliveries));

        var deadLetters = _state.DeadLetters.Select(f => (f.Offset, (int)f.Deliveries)).OrderBy(f => f).ToList();
        var expectedDeadLetters = _model.DeadLetters.OrderBy(f => f).ToList();
        Check(expectedDeadLetters.SequenceEqual(deadLetters), op, () => $"dead letters [{string.Join(" ", deadLetters)}], model [{string.Join(" ", expectedDeadLetters)}]");

        _state.Failures.Clear();
        _state.DeadLetters.Clear();
        _model.Failures.Clear();
        _model.DeadLetters.Clear();
    }

    private void WriteSnapshot()
    {
        _log.Add((AckRecordKind.Snapshot, _state.Floor, _state.DeadLettered));
        _state.VisitDoneRuns(_log, static (log, first, count) => log.Add((AckRecordKind.Ack, first, count)));
        _state.VisitDeliveries(_log, static (log, offset, deliveries) => log.Add((AckRecordKind.Deliveries, offset, deliveries)));
    }

    private void Restart()
    {
        var state = new QueueState(MaxDeliveries);
        foreach (var (kind, a, b) in _log)
        {
            switch (kind)
            {
                case AckRecordKind.Ack:
                    for (long offset = a; offset < a + b; offset++) state.RestoreDone(offset, deadLettered: false);
                    break;
                case AckRecordKind.Deliveries: state.RestoreDeliveries(a, (ushort)b); break;
                case AckRecordKind.DeadLettered: state.RestoreDone(a, deadLettered: true); break;
                case AckRecordKind.Snapshot: state.RestoreFloor(a, b); break;
            }
        }
        state.FinishRestore();
        _state = state;
        _model.Restart();
        // Opening the log compacts it: from now on it starts with a snapshot of the restored state.
        _log.Clear();
        WriteSnapshot();
    }

    private void Compare(QueueOp op)
    {
        Same(op, "in flight", _model.Count(ModelStatus.InFlight), _state.InFlight);
        Same(op, "ready", _model.Count(ModelStatus.Visible), _state.ReadyCount);
        Same(op, "delayed", _model.Count(ModelStatus.Delayed), _state.Delayed);
        Same(op, "dead-lettered", _model.Count(ModelStatus.DeadLettered), _state.DeadLettered);
        Same(op, "next", _model.Cursor, _state.Next);
        Same(op, "floor", _model.Floor, _state.Floor);
        Same(op, "visible", _model.VisibleBelow(_end), _state.Visible(_end));

        // In flight to at most one holder: every other holder's nack must miss (and so change nothing).
        for (long offset = 0; offset < _end; offset++)
            for (long holder = 1; holder <= Holders; holder++)
                if (!_model.HeldBy(offset, holder))
                    Check(_state.Nack(offset, 1, holder, 0, _now) == 0, op, () => $"holder {holder} could nack offset {offset} it does not hold");
    }

    private void Same(QueueOp op, long expected, long actual) => Same(op, "applied", expected, actual);

    private void Same(QueueOp op, string what, long expected, long actual)
    {
        if (expected != actual) Assert.Fail(Describe(op, $"{what} {actual}, model {expected}"));
    }

    // The message is built only on failure: the checks run thousands of times per sequence.
    private void Check(bool ok, QueueOp op, Func<string> problem)
    {
        if (!ok) Assert.Fail(Describe(op, problem()));
    }

    private string Describe(QueueOp op, string problem) => $"step {_step} {op} at {_now} (end {_end}): {problem}; model: {_model}";
}
