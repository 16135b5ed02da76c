namespace CompilerGym.Core.Envs;

public static class EnvSteps
{
    /// <summary>
    /// Applies an action, or returns null when it does not apply to the program in its current
    /// state (the env is then unchanged): what agents and searches do with a wasted step.
    /// </summary>
    public static StepResult? TryStep(this ICompilerEnv env, int action, StepOptions? options = null)
    {
        try
        {
            return env.Step(action, options);
        }
        catch (InapplicableActionException)
        {
            return null;
        }
    }

    /// <summary>Applies actions named in the current action space, in one step.</summary>
    public static StepResult StepByName(this ICompilerEnv env, IEnumerable<string> actionNames, StepOptions? options = null) =>
        env.Step([.. actionNames.Select(env.ActionSpace.IndexOf)], options);
}
