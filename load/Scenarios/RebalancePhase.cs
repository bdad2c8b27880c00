namespace FastBroker.Load.Scenarios;

/// <summary>The stretches of a groups run (<see cref="RebalancePlan"/>), in the order they happen.</summary>
internal enum RebalancePhase
{
    /// <summary>The initial members, settled, before anything changes.</summary>
    Steady,

    /// <summary>The window right after a member joined.</summary>
    Join,

    /// <summary>From the end of the join window to the leave.</summary>
    AfterJoin,

    /// <summary>The window right after a member left cleanly (committed, then LeaveGroup).</summary>
    Leave,

    /// <summary>From the end of the leave window to the kill.</summary>
    AfterLeave,

    /// <summary>The window right after a member stopped without committing or leaving: its session must time out.</summary>
    Kill,

    /// <summary>From the end of the kill window to the end of the run (the drain included).</summary>
    AfterKill,
}
