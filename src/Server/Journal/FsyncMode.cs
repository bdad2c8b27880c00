namespace FastBroker.Server.Journal;

/// <summary>When a partition journal forces written data to stable storage.</summary>
public enum FsyncMode
{
    /// <summary>Every commit is fdatasync'ed before its end offset is published: an acknowledged batch survives power loss.</summary>
    Always = 0,

    /// <summary>Commits only write; written data is fdatasync'ed at most one interval after it was written.</summary>
    Interval = 1,

    /// <summary>The operating system decides when data reaches the disk; the journal syncs only on segment roll and close.</summary>
    Never = 2,
}
