using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Search;

/// <summary>
/// Where a search's trials run: on forks of the state tried itself (the search's own worker), or
/// on forks of a helper's copy of that state. A helper env stays in the search's start state; its
/// copy, a fork of it, is moved to each state tried by stepping the actions that lead there from
/// the start (only those after the state it holds, when that state is on the way, as it is for
/// greedy search and each beam's first state).
/// </summary>
internal sealed class TrialWorker(ICompilerEnv? start) : IDisposable
{
    private ICompilerEnv? _copy;
    private int[] _path = [];
    // A fork whose last step changed nothing is still in its parent's state, so the next trial on
    // that parent reuses it instead of forking again (most passes change nothing in a given state).
    private (ICompilerEnv Parent, ICompilerEnv Fork)? _spare;

    /// <summary>The search's own worker, which forks the state tried itself.</summary>
    public static TrialWorker Own() => new(null);

    /// <summary>The env whose forks are in <paramref name="state"/>'s state, reached from the start by <paramref name="path"/>.</summary>
    public ICompilerEnv Reach(ICompilerEnv state, IReadOnlyList<int> path)
    {
        if (start is null) return state;
        bool onTheWay = _copy is not null && _path.Length <= path.Count && _path.SequenceEqual(path.Take(_path.Length));
        if (!onTheWay)
        {
            DropSpare();
            _copy?.Dispose();
            _copy = null;
            _copy = start.Fork();
            _path = [];
        }
        if (path.Count > _path.Length)
        {
            DropSpare();
            _copy!.Step([.. path.Skip(_path.Length)]);
            _path = [.. path];
        }
        return _copy!;
    }

    /// <summary>A fork of <paramref name="parent"/> to try an action on: the spare one if it is in that state, else a new one.</summary>
    public ICompilerEnv Fork(ICompilerEnv parent)
    {
        if (_spare is { } spare && ReferenceEquals(spare.Parent, parent))
        {
            _spare = null;
            return spare.Fork;
        }
        DropSpare();
        return parent.Fork();
    }

    /// <summary>Keeps a fork an action did not change for the next trial on the same parent.</summary>
    public void Spare(ICompilerEnv parent, ICompilerEnv fork)
    {
        DropSpare();
        _spare = (parent, fork);
    }

    public void Dispose()
    {
        DropSpare();
        _copy?.Dispose();
        _copy = null;
    }

    private void DropSpare()
    {
        _spare?.Fork.Dispose();
        _spare = null;
    }
}
