using CompilerGym.Core.Spaces;

namespace CompilerGym.Core.Envs;

/// <summary>
/// A compiler environment, Gymnasium-shaped: <see cref="Reset"/> starts an episode on a benchmark,
/// <see cref="Step(int, StepOptions?)"/> applies actions, observations and rewards are computed
/// only when asked. The in-process and the remote environments both implement it, so an agent
/// switches between them by configuration alone. Not thread-safe: use one per thread, or forks.
/// </summary>
public interface ICompilerEnv : IDisposable
{
    IReadOnlyList<Space> ActionSpaces { get; }
    IReadOnlyList<Space> ObservationSpaces { get; }
    IReadOnlyList<Space> RewardSpaces { get; }

    /// <summary>The action space in use (chosen at reset).</summary>
    Space ActionSpace { get; }
    /// <summary>The observation space returned by reset and step, if one was chosen.</summary>
    Space? ObservationSpace { get; }
    /// <summary>The reward space returned by step, if one was chosen.</summary>
    Space? RewardSpace { get; }

    /// <summary>The benchmark of the current episode, or null before the first reset.</summary>
    string? Benchmark { get; }

    /// <summary>Starts an episode; a null benchmark repeats the current one.</summary>
    ResetResult Reset(string? benchmark = null, ResetOptions? options = null);

    /// <summary>Applies one action of the current action space.</summary>
    StepResult Step(int action, StepOptions? options = null);

    /// <summary>Applies several actions in one call: one observation and one reward for them all.</summary>
    StepResult Step(IReadOnlyList<int> actions, StepOptions? options = null);

    /// <summary>Computes an observation of the current state by space name.</summary>
    Observation Observe(string observationSpace);

    /// <summary>An independent copy of this environment in its current state.</summary>
    ICompilerEnv Fork();

    /// <summary>The episode so far: enough to replay it exactly.</summary>
    EnvState State { get; }

    /// <summary>A shell command that reproduces the current state from the benchmark with stock tools.</summary>
    string Commandline();

    /// <summary>Replays a state (by default the current one) and checks that it reproduces.</summary>
    ValidationResult Validate(EnvState? state = null);
}
