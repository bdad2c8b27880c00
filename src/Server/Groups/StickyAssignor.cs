namespace FastBroker.Server.Groups;

/// <summary>
/// Decides which member should own each partition of a topic (PROTOCOL.md 5.30): balanced (the members' counts differ
/// by at most one) and sticky (a partition stays with its owner whenever the balance allows, so only the partitions
/// that must move do). Pure: the group applies the result, revoking before it gives.
/// </summary>
internal static class StickyAssignor
{
    /// <summary>
    /// The target owner of each partition, as an index into the members (−1 only when there are no members).
    /// <paramref name="owners"/> holds each partition's current owner as a member index, or −1 when it has none.
    /// Members are listed in join order; ties go to the earlier member, so the result is deterministic.
    /// </summary>
    public static int[] Assign(int memberCount, ReadOnlySpan<int> owners)
    {
        var target = new int[owners.Length];
        Array.Fill(target, -1);
        if (memberCount == 0) return target;

        var owned = new int[memberCount];
        foreach (int owner in owners)
            if (owner >= 0) owned[owner]++;

        // The members owning most keep the one extra partition the division leaves, so fewer partitions move.
        int baseQuota = owners.Length / memberCount, extra = owners.Length % memberCount;
        var order = new int[memberCount];
        for (int m = 0; m < memberCount; m++) order[m] = m;
        Array.Sort(order, (a, b) => owned[a] != owned[b] ? owned[b].CompareTo(owned[a]) : a.CompareTo(b));
        var quota = new int[memberCount];
        for (int i = 0; i < memberCount; i++) quota[order[i]] = baseQuota + (i < extra ? 1 : 0);

        var kept = new int[memberCount];
        for (int p = 0; p < owners.Length; p++)
        {
            int owner = owners[p];
            if (owner >= 0 && kept[owner] < quota[owner])
            {
                target[p] = owner;
                kept[owner]++;
            }
        }
        int next = 0;
        for (int p = 0; p < owners.Length; p++)
        {
            if (target[p] >= 0) continue;
            while (kept[next] >= quota[next]) next++;
            target[p] = next;
            kept[next]++;
        }
        return target;
    }
}
