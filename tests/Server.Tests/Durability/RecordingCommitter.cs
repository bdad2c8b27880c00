using FastBroker.Server.Durability;

namespace FastBroker.Server.Tests.Durability;

/// <summary>Records every group and tick; a gate can hold a commit so that items queue up behind it.</summary>
internal sealed class RecordingCommitter : IGroupCommitter<TestItem>
{
    private readonly List<int[]> _groups = [];
    private readonly List<int> _completed = [];
    private TaskCompletionSource? _gate;
    private TaskCompletionSource? _release;
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Ticks;
    public Func<int, Exception?>? ThrowOnGroup;

    public IReadOnlyList<int[]> Groups { get { lock (_groups) return _groups.ToArray(); } }
    public IReadOnlyList<int> Completed { get { lock (_groups) return _completed.ToArray(); } }

    /// <summary>The next commit waits until <see cref="Release"/>; <see cref="Held"/> completes once it waits.</summary>
    public void HoldNext()
    {
        _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _release = _gate;
    }

    public Task Held => _held.Task;

    public void Release() => _release?.TrySetResult();

    public async ValueTask CommitGroupAsync(TestItem[] group, int count)
    {
        int index;
        lock (_groups)
        {
            index = _groups.Count;
            _groups.Add(group.Take(count).Select(i => i.Id).ToArray());
        }
        if (_gate is { } gate)
        {
            _gate = null;
            _held.TrySetResult();
            await gate.Task;
        }
        if (ThrowOnGroup?.Invoke(index) is { } exception) throw exception;
        for (int i = 0; i < count; i++)
        {
            lock (_groups) _completed.Add(group[i].Id);
            group[i].Done?.TrySetResult(null);
            group[i] = default;
        }
    }

    public void Tick() => Interlocked.Increment(ref Ticks);

    public void Fail(in TestItem item, string failure) => item.Done?.TrySetResult(failure);

    public long WeightOf(in TestItem item) => item.Weight;
}
