namespace CompilerGym.Cli.Tuning;

/// <summary>
/// The outcome of tuning one program for one cost with one search, as stored and reported.
/// <paramref name="Oz"/> and <paramref name="O3"/> are null for a cost with no such baselines;
/// <paramref name="O0"/> is then the cost before the search. Files are named relative to the output folder.
/// </summary>
internal sealed record TuneRecord(
    string Program,
    string InputHash,
    string Cost,
    string Search,
    string Settings,
    double O0,
    double? Oz,
    double? O3,
    double Best,
    string Pipeline,
    string Commandline,
    IReadOnlyList<string> Actions,
    int Evaluations,
    double Seconds,
    bool Valid,
    string Validation,
    string BitcodeFile,
    string ObjectFile,
    DateTimeOffset FinishedAt)
{
    /// <summary>The best cost divided by -Oz's: below 1 beats -Oz.</summary>
    public double? VersusOz => Oz is > 0 ? Best / Oz : null;
}
