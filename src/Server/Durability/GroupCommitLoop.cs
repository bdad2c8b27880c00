using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Durability;

/// <summary>
/// The broker's central mechanism, named once: drain a queue, write once, sync once, complete every waiter (group
/// commit). The partition writer, the ack log, the dead-letter mover and the position store each own one and supply
/// the "commit this group" step (<see cref="IGroupCommitter{T}"/>); the loop owns the queue, the group bound and the
/// one failure policy.
/// <para>
/// Failure policy: anything thrown out of the owner's step (or out of the loop itself) is unexpected — the owner
/// handles the I/O failures it expects inside its step. The loop then sets <see cref="Failure"/> (saying what stopped
/// and why), logs once at error level, fails every waiter of that group and, from then on, every item enqueued
/// later, as soon as it is read. It never stops reading, so no caller is left waiting forever.
/// </para>
/// Steady state allocates nothing per item: items are structs in an unbounded channel and the group array is
/// reused; it starts small and doubles only while drains fill it, so an idle owner reserves a few slots.
/// </summary>
internal sealed class GroupCommitLoop<T> : IAsyncDisposable
{
    private const int InitialGroupSlots = 16;

    private readonly Channel<Slot> _queue;
    private readonly IGroupCommitter<T> _committer;
    private readonly ILogger _logger;
    private readonly int _maxGroupCount;
    private readonly long _maxGroupWeight;
    private T[] _group;
    private volatile string? _failure;
    private Task _run = Task.CompletedTask;

    /// <param name="component">Names the owner in the failure message and the log ("partition orders/3 writer").</param>
    /// <param name="maxGroupCount">At most this many items per group.</param>
    /// <param name="maxGroupWeight">A group closes once its items' <see cref="IGroupCommitter{T}.WeightOf"/> reach this.</param>
    public GroupCommitLoop(string component, IGroupCommitter<T> committer, int maxGroupCount, long maxGroupWeight, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroupCount, 1);
        Component = component;
        _committer = committer;
        _maxGroupCount = maxGroupCount;
        _maxGroupWeight = maxGroupWeight;
        _logger = logger;
        _group = new T[Math.Min(InitialGroupSlots, maxGroupCount)];
        _queue = Channel.CreateUnbounded<Slot>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    }

    public string Component { get; }

    /// <summary>Why the loop stopped committing (it still fails what it reads), or null while it works.</summary>
    public string? Failure => _failure;

    /// <summary>Slots the reused group array holds now (grows with load up to the count bound).</summary>
    public int GroupCapacity => Volatile.Read(ref _group).Length;

    /// <summary>Test seam: runs on the loop before each commit step, where an injected throw is an unexpected failure.</summary>
    internal Action? FaultInjection { get; set; }

    /// <summary>Starts the loop; separate from the constructor so the owner is whole before its step can run.</summary>
    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>Queues an item for the next group; false once the loop is closing (the caller answers it then).
    /// After a failure items are still taken and failed by the loop, at once.</summary>
    public bool TryEnqueue(in T item) => _queue.Writer.TryWrite(new Slot(item, tick: false));

    /// <summary>Asks for <see cref="IGroupCommitter{T}.Tick"/> after the next group; ticks queued together run once.</summary>
    public void RequestTick() => _queue.Writer.TryWrite(new Slot(default!, tick: true));

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            int count = 0;
            bool tick = false;
            try
            {
                Drain(reader, ref count, ref tick);
                if (_failure is null)
                {
                    FaultInjection?.Invoke();
                    if (count > 0) await _committer.CommitGroupAsync(_group, count).ConfigureAwait(false);
                    if (tick) _committer.Tick();
                }
            }
            catch (Exception ex)
            {
                Stop(ex);
            }

            if (_failure is { } failure) FailGroup(count, failure);
            else Array.Clear(_group, 0, count);
        }
    }

    private void Drain(ChannelReader<Slot> reader, ref int count, ref bool tick)
    {
        long weight = 0;
        while (weight < _maxGroupWeight)
        {
            if (count == _group.Length)
            {
                if (_group.Length >= _maxGroupCount || !reader.TryPeek(out _)) return;
                var larger = new T[Math.Min(_group.Length * 2, _maxGroupCount)];
                Array.Copy(_group, larger, count);
                Volatile.Write(ref _group, larger);
            }
            if (!reader.TryRead(out var slot)) return;
            if (slot.Tick)
            {
                tick = true;
                continue;
            }
            _group[count++] = slot.Item;
            weight += _committer.WeightOf(slot.Item);
        }
    }

    private void Stop(Exception exception)
    {
        // Only the loop writes the failure, so one check is enough to log once.
        if (_failure is not null) return;
        _failure = $"{Component} stopped after an unexpected error ({exception.GetType().Name}: {exception.Message}); it refuses work until the broker restarts";
        GroupCommitLog.LoopStopped(_logger, Component, exception);
    }

    private void FailGroup(int count, string failure)
    {
        for (int i = 0; i < count; i++)
        {
            try
            {
                _committer.Fail(_group[i], failure);
            }
            catch (Exception ex)
            {
                // A broken Fail must not end the loop: the waiters after it still need their answer.
                GroupCommitLog.FailFailed(_logger, Component, ex);
            }
            _group[i] = default!;
        }
    }

    /// <summary>Stops taking items, commits (or fails) everything queued, and waits for the loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _run.ConfigureAwait(false);
    }

    private readonly struct Slot(T item, bool tick)
    {
        public T Item { get; } = item;
        public bool Tick { get; } = tick;
    }
}
