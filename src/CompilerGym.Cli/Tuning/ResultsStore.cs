using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace CompilerGym.Cli.Tuning;

/// <summary>
/// The SQLite file of tuning results. A program counts as done for a cost and a search once its row
/// is here with the same input (its unoptimized bitcode's hash) and the same settings (budget, seed,
/// action space, policy), and a row is written only after the program's files, so an interrupted
/// run resumes where it stopped. A result is reused only where the same compiler made it for the same
/// target: a store of an older layout gains their columns, and its rows, made by an unknown compiler,
/// are tuned again. A file that is not such a store is an IOException saying so. Programs tuned side by
/// side share one store: a connection serves one thread at a time, so every use of it takes a lock.
/// </summary>
internal sealed class ResultsStore : IDisposable
{
    public const string FileName = "results.db";

    private const string Columns = "program, input_hash, cost, search, settings, o0, oz, o3, best, pipeline, commandline, actions, " +
        "evaluations, seconds, valid, validation, bitcode_file, object_file, finished_at, " + ProvenanceColumns;

    // Added after the first layout: nullable, so that ALTER TABLE can add them to an older store.
    private const string ProvenanceColumns = "compiler_version, target, toolchain, input_file, script_file, executable_file";

    private readonly SqliteConnection _connection;

    private readonly string _path;

    private readonly Lock _lock = new();

    public ResultsStore(string path)
    {
        _path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        Guarded(() => _connection.Open());
        Execute("""
            CREATE TABLE IF NOT EXISTS results (
                program TEXT NOT NULL, input_hash TEXT NOT NULL, cost TEXT NOT NULL, search TEXT NOT NULL, settings TEXT NOT NULL,
                o0 REAL NOT NULL, oz REAL, o3 REAL, best REAL NOT NULL,
                pipeline TEXT NOT NULL, commandline TEXT NOT NULL, actions TEXT NOT NULL,
                evaluations INTEGER NOT NULL, seconds REAL NOT NULL, valid INTEGER NOT NULL, validation TEXT NOT NULL,
                bitcode_file TEXT NOT NULL, object_file TEXT NOT NULL, finished_at TEXT NOT NULL,
                PRIMARY KEY (program, cost, search))
            """);
        AddMissingColumns();
    }

    private void AddMissingColumns()
    {
        var present = Guarded(() =>
        {
            using var command = Command("SELECT name FROM pragma_table_info('results')");
            using var reader = command.ExecuteReader();
            var names = new HashSet<string>();
            while (reader.Read()) names.Add(reader.GetString(0));
            return names;
        });
        foreach (string column in ProvenanceColumns.Split(", ").Where(c => !present.Contains(c)))
            Execute($"ALTER TABLE results ADD COLUMN {column} TEXT");
    }

    /// <summary>
    /// The stored result of a program, as it is now, for a cost, search and settings, if it was tuned so
    /// before by the same compiler for the same target.
    /// </summary>
    public TuneRecord? Find(string program, string inputHash, string cost, string search, string settings, string compilerVersion, string? target) => Guarded(() =>
    {
        using var command = Command($"SELECT {Columns} FROM results WHERE program = $program AND input_hash = $input_hash " +
            "AND cost = $cost AND search = $search AND settings = $settings AND compiler_version = $compiler_version AND target IS $target",
            ("$program", program), ("$input_hash", inputHash), ("$cost", cost), ("$search", search), ("$settings", settings),
            ("$compiler_version", compilerVersion), ("$target", target));
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    });

    public void Save(TuneRecord r) => Guarded(() =>
    {
        using var command = Command($"INSERT OR REPLACE INTO results ({Columns}) VALUES " +
            "($program, $input_hash, $cost, $search, $settings, $o0, $oz, $o3, $best, $pipeline, $commandline, $actions, " +
            "$evaluations, $seconds, $valid, $validation, $bitcode_file, $object_file, $finished_at, " +
            "$compiler_version, $target, $toolchain, $input_file, $script_file, $executable_file)",
            ("$program", r.Program), ("$input_hash", r.InputHash), ("$cost", r.Cost), ("$search", r.Search), ("$settings", r.Settings),
            ("$o0", r.O0), ("$oz", r.Oz), ("$o3", r.O3), ("$best", r.Best),
            ("$pipeline", r.Pipeline), ("$commandline", r.Commandline), ("$actions", JsonSerializer.Serialize(r.Actions)),
            ("$evaluations", r.Evaluations), ("$seconds", r.Seconds), ("$valid", r.Valid), ("$validation", r.Validation),
            ("$bitcode_file", r.BitcodeFile), ("$object_file", r.ObjectFile), ("$finished_at", r.FinishedAt.ToString("O", CultureInfo.InvariantCulture)),
            ("$compiler_version", r.CompilerVersion), ("$target", r.Target), ("$toolchain", r.Toolchain),
            ("$input_file", r.InputFile), ("$script_file", r.ScriptFile), ("$executable_file", r.ExecutableFile));
        return command.ExecuteNonQuery();
    });

    public void Dispose() => _connection.Dispose();

    private static TuneRecord Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
        r.GetDouble(5), r.IsDBNull(6) ? null : r.GetDouble(6), r.IsDBNull(7) ? null : r.GetDouble(7), r.GetDouble(8),
        r.GetString(9), r.GetString(10), JsonSerializer.Deserialize<string[]>(r.GetString(11)) ?? [],
        r.GetInt32(12), r.GetDouble(13), r.GetBoolean(14), r.GetString(15),
        r.GetString(16), r.GetString(17), DateTimeOffset.Parse(r.GetString(18), CultureInfo.InvariantCulture),
        Text(r, 19), Text(r, 20), Text(r, 21) ?? "", Text(r, 22), Text(r, 23), Text(r, 24));

    private static string? Text(SqliteDataReader r, int column) => r.IsDBNull(column) ? null : r.GetString(column);

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private void Execute(string sql) => Guarded(() =>
    {
        using var command = Command(sql);
        return command.ExecuteNonQuery();
    });

    private T Guarded<T>(Func<T> action)
    {
        try
        {
            lock (_lock) return action();
        }
        catch (SqliteException e) { throw new IOException($"{_path} is not a cgym tune results store: {e.Message}", e); }
    }

    private void Guarded(Action action) => Guarded(() => { action(); return 0; });
}
