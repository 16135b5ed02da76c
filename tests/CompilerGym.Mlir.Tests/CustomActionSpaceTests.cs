using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using CompilerGym.Mlir.Actions;
using CompilerGym.Mlir.Core;
using CompilerGym.Mlir.Env;

namespace CompilerGym.Mlir.Tests;

public class CustomActionSpaceTests
{
    private const string Matmul = "benchmark://mlir-linalg-v0/matmul?m=16&n=16&k=16";

    [Theory]
    [InlineData("tile[0,8]", "tile-d1-8")]
    [InlineData("tile[0, 0, 4]", "tile-d2-4")]
    [InlineData("fuse[0,16]", "fuse-d1-16")]
    [InlineData("interchange[0,2,1]", "swap-d1-d2")]
    [InlineData("interchange[3,1,2,0]", "swap-d0-d3")]
    [InlineData("unroll[4]", "unroll-4")]
    [InlineData("vectorize", "vectorize")]
    [InlineData("decompose", "decompose")]
    [InlineData("cse", "cse")]
    public void A_spec_makes_the_built_in_action_it_spells(string spec, string builtIn)
    {
        var custom = CustomMlirActions.Parse([spec]).Actions[0];
        var expected = MlirActionSpace.Instance[builtIn];
        Assert.Equal(spec, custom.Name);
        Assert.Equal(expected.Kind, custom.Kind);
        Assert.Equal(expected.Requirement, custom.Requirement);
        Assert.Equal(expected.Script, custom.Script);
    }

    [Fact]
    public void Custom_actions_give_the_built_in_actions_results()
    {
        string[] specs = ["tile[8]", "tile[0,8]", "vectorize", "canonicalize"];
        using var custom = new MlirEnv(observationSpace: MlirSpaces.LoopFeatures, runtimeBudget: TimeSpan.Zero);
        using var builtIn = new MlirEnv(observationSpace: MlirSpaces.LoopFeatures, runtimeBudget: TimeSpan.Zero);
        var reset = custom.Reset(Matmul, new ResetOptions(CustomActions: specs));
        builtIn.Reset(Matmul);
        Assert.Equal(MlirActionSpace.Custom, reset.Info.ActionSpace);
        Assert.Equal(Space.Discrete(MlirActionSpace.Custom, specs, custom.ActionSpace.Description), custom.ActionSpace);

        string reference = builtIn.Observe(MlirSpaces.OutputChecksum).AsText();
        foreach (var (spec, name) in specs.Zip(["tile-d0-8", "tile-d1-8", "vectorize", "canonicalize"]))
        {
            var a = custom.Step(custom.ActionSpace.IndexOf(spec));
            var b = builtIn.Step([name]);
            // The features count transformations by kind, so they match too.
            Assert.Equal(b.Observation, a.Observation);
            Assert.Equal(builtIn.Observe(MlirSpaces.Mlir), custom.Observe(MlirSpaces.Mlir));
        }
        Assert.Equal(reference, custom.Observe(MlirSpaces.OutputChecksum).AsText());
        Assert.Equal(0, custom.Observe(MlirSpaces.LoopFeatures).AsInt64Vector()[LoopFeatures.Names.ToList().IndexOf("roots")]);
    }

    [Fact]
    public void A_2d_tiling_in_one_action_computes_what_two_1d_tilings_do()
    {
        using var custom = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        using var builtIn = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        custom.Reset(Matmul, new ResetOptions(CustomActions: ["tile[8,8,0]", "vectorize", "canonicalize"]));
        builtIn.Reset(Matmul);
        string reference = builtIn.Observe(MlirSpaces.OutputChecksum).AsText();
        custom.Step(["tile[8,8,0]"]);
        builtIn.Step(["tile-d0-8", "tile-d1-8"]);

        // One action makes both loops at once, so the slices differ from those of two nested
        // tilings, but the root ends up the same: an 8x8x16 matmul inside two loops.
        var names = LoopFeatures.Names.ToList();
        string[] root = ["root.range_d0", "root.range_d1", "root.range_d2", "root.enclosing_for_loops", "module.scf_for_loops"];
        long[] Root(MlirEnv env) => [.. root.Select(f => env.Observe(MlirSpaces.LoopFeatures).AsInt64Vector()[names.IndexOf(f)])];
        Assert.Equal([8, 8, 16, 2, 2], Root(custom));
        Assert.Equal(Root(builtIn), Root(custom));
        Assert.Equal(reference, custom.Observe(MlirSpaces.OutputChecksum).AsText());

        custom.Step(["vectorize", "canonicalize"]);
        builtIn.Step(["vectorize", "canonicalize"]);
        Assert.Equal(reference, custom.Observe(MlirSpaces.OutputChecksum).AsText());
    }

    [Fact]
    public void A_permutation_and_a_fusion_over_several_loops_keep_the_output()
    {
        using var custom = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        using var builtIn = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        custom.Reset(Matmul, new ResetOptions(CustomActions: ["interchange[2,0,1]"]));
        builtIn.Reset(Matmul);
        string reference = builtIn.Observe(MlirSpaces.OutputChecksum).AsText();
        // New loop k is old loop P[k]: [2,0,1] is swap d0 and d2, then d1 and d2.
        custom.Step(["interchange[2,0,1]"]);
        builtIn.Step(["swap-d0-d2", "swap-d1-d2"]);
        Assert.Equal(builtIn.Observe(MlirSpaces.Mlir), custom.Observe(MlirSpaces.Mlir));
        Assert.Equal(reference, custom.Observe(MlirSpaces.OutputChecksum).AsText());

        // The dense layer's relu and bias producers are fused into both loops of the tiling.
        using var mlp = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        mlp.Reset("benchmark://mlir-linalg-v0/mlp?m=16&n=32&k=16", new ResetOptions(CustomActions: ["fuse[8,16]", "unroll[2]", "cse"]));
        string dense = mlp.Observe(MlirSpaces.OutputChecksum).AsText();
        mlp.Step(["fuse[8,16]", "unroll[2]", "cse"]);
        Assert.Equal(dense, mlp.Observe(MlirSpaces.OutputChecksum).AsText());
    }

    [Theory]
    [InlineData("no-such-pass", "'no-such-pass' does not refer to a registered pass")]
    [InlineData("canonicalize{no-such-option=1}", "no such option")]
    [InlineData("func.func(cse", "unbalanced")]
    [InlineData("affine-loop-invariant-code-motion", "did you intend to nest?")]
    [InlineData("tile[8,,8]", "malformed")]
    [InlineData("tile[8]x", "malformed")]
    [InlineData("tile[-1]", "malformed")]
    [InlineData("tile[99999999999]", "too large")]
    [InlineData("tile", "needs a size per loop")]
    [InlineData("tile[0,0]", "tiles nothing")]
    [InlineData("interchange[0,0,1]", "not a permutation of 0..2")]
    [InlineData("interchange[1,2]", "not a permutation of 0..1")]
    [InlineData("unroll[1]", "at least 2")]
    [InlineData("unroll[2,2]", "one factor")]
    [InlineData("vectorize[4]", "takes no parameters")]
    [InlineData("tiles[8]", "unknown transformation 'tiles'")]
    [InlineData(" ", "empty")]
    public void A_wrong_spec_is_a_clear_error_at_reset_and_changes_nothing(string spec, string message)
    {
        using var env = new MlirEnv();
        env.Reset(Matmul);
        env.Step(["tile-d0-8"]);
        var error = Assert.ThrowsAny<ArgumentException>(() => env.Reset(options: new ResetOptions(CustomActions: ["cse", spec])));
        Assert.Contains(message, error.Message);
        Assert.Equal(MlirActionSpace.Name, env.ActionSpace.Name);
        Assert.Equal(["tile-d0-8"], env.State.Actions);
    }

    [Fact]
    public void Repeats_an_empty_list_and_a_named_space_with_custom_actions_are_refused()
    {
        Assert.Contains("given twice", Assert.Throws<ArgumentException>(() => CustomMlirActions.Parse(["cse", "cse"])).Message);
        Assert.Contains("'tile[8,8]' and 'tile[ 8, 8 ]' are the same action",
            Assert.Throws<ArgumentException>(() => CustomMlirActions.Parse(["tile[8,8]", "tile[ 8, 8 ]"])).Message);
        Assert.Contains("at least one action", Assert.Throws<ArgumentException>(() => CustomMlirActions.Parse([])).Message);
        Assert.Throws<ArgumentException>(() => MlirActionSpace.Resolve(MlirActionSpace.Name, ["cse"]));
        Assert.Throws<ArgumentException>(() => MlirActionSpace.Resolve(MlirActionSpace.Custom, null));
        Assert.Throws<UnknownNameException>(() => MlirActionSpace.Resolve("mlir-22-other", null));
        Assert.Same(MlirActionSpace.Instance, MlirActionSpace.Resolve("", []));
        Assert.Equal(MlirActionSpace.Custom, MlirActionSpace.Resolve("", ["cse"]).Space.Name);
    }

    [Fact]
    public void More_loops_than_the_root_has_is_inapplicable_at_the_step()
    {
        using var env = new MlirEnv();
        env.Reset(Matmul, new ResetOptions(CustomActions: ["tile[8,8,8,8]", "interchange[3,2,1,0]", "tile[4]"]));
        Assert.Contains("needs 4 loops, and the root operation has 3", Assert.Throws<InapplicableActionException>(() => env.Step(["tile[8,8,8,8]"])).Message);
        Assert.Contains("needs 4 loops", Assert.Throws<InapplicableActionException>(() => env.Step(["interchange[3,2,1,0]"])).Message);
        Assert.Empty(env.State.Actions);
        env.Step(["tile[4]"]);
        Assert.Equal(["tile[4]"], env.State.Actions);
    }

    [Fact]
    public void Forks_states_and_validation_keep_the_custom_space()
    {
        string[] specs = ["tile[8,8]", "tile[0,0,1]", "vectorize", "func.func(canonicalize{max-iterations=3})"];
        using var env = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        env.Reset(Matmul, new ResetOptions(CustomActions: specs));
        env.Step(["tile[8,8]"]);
        using var fork = (MlirEnv)env.Fork();
        Assert.Equal(env.ActionSpace, fork.ActionSpace);
        fork.Step(["tile[0,0,1]", "vectorize", "func.func(canonicalize{max-iterations=3})"]);
        Assert.Equal(["tile[8,8]"], env.State.Actions);

        var state = EnvState.FromJson(fork.State.ToJson());
        Assert.Equal(MlirActionSpace.Custom, state.ActionSpace);
        Assert.Equal(specs, state.CustomActions);
        Assert.Equal(["tile[8,8]", "tile[0,0,1]", "vectorize", "func.func(canonicalize{max-iterations=3})"], state.Actions);
        // Validation replays in a space of the state's own specs, whatever the validating env's space.
        using var other = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        var valid = other.Validate(state);
        Assert.True(valid.Ok, string.Join("; ", valid.Errors));
        var builtInName = other.Validate(state with { Actions = ["tile-d0-8"] });
        Assert.False(builtInName.Ok);
        Assert.Contains("unknown action 'tile-d0-8' in mlir-22-custom", builtInName.Errors[0]);

        // A reset without options keeps the space; naming the built-in one returns to it.
        env.Reset();
        Assert.Equal(MlirActionSpace.Custom, env.ActionSpace.Name);
        env.Reset(options: new ResetOptions(MlirActionSpace.Name));
        Assert.Equal(MlirActionSpace.Instance.Space, env.ActionSpace);
        Assert.Null(env.State.CustomActions);
    }

    [Fact]
    public void Commandline_loads_the_custom_space_library()
    {
        using var env = new MlirEnv();
        env.Reset("benchmark://mlir-linalg-v0/mlp?m=16&n=32&k=16",
            new ResetOptions(CustomActions: ["fuse[8]", "interchange[1,0]", "tile[16]", "canonicalize", "unroll[2]", "func.func(cse)"]));
        env.Step(["fuse[8]", "interchange[1,0]", "tile[16]", "canonicalize", "unroll[2]", "func.func(cse)"]);
        Assert.Contains(env.Actions.TransformLibraryPath, env.Commandline());
        Assert.NotEqual(MlirActionSpace.Instance.TransformLibraryPath, env.Actions.TransformLibraryPath);
        MlirOptCheck.AssertCommandlineReproduces(env);
    }

    [Fact]
    public void A_space_of_passes_alone_needs_no_transform_library()
    {
        using var env = new MlirEnv();
        env.Reset(Matmul, new ResetOptions(CustomActions: ["canonicalize", "func.func(affine-loop-invariant-code-motion)"]));
        Assert.True(env.Step(["canonicalize"]).Info.IrChanged);
        env.Step(["func.func(affine-loop-invariant-code-motion)"]);
        Assert.DoesNotContain("transform-preload-library", env.Commandline());
        var names = LoopFeatures.Names.ToList();
        Assert.Equal(2, env.Observe(MlirSpaces.LoopFeatures).AsInt64Vector()[names.IndexOf("applied.cleanup")]);
    }
}
