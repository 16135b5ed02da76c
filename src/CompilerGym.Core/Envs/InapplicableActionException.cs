namespace CompilerGym.Core.Envs;

/// <summary>
/// An action that does not apply to the program in its current state (a transformation whose
/// operation is not there, a loop that does not exist); the program is left as it was. Agents
/// treat it as a wasted step, not a failure; remotely it arrives as FAILED_PRECONDITION with the
/// reason <see cref="Reason"/>.
/// </summary>
public sealed class InapplicableActionException(string message) : InvalidOperationException(message)
{
    public const string Reason = "INAPPLICABLE_ACTION";
}
