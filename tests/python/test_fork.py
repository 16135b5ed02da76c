"""A fork is an independent copy of a session."""


def test_fork_diverges_independently(env):
    names = env.action_space.names
    env.step(names.index("mem2reg"))
    forked = env.fork()
    try:
        assert forked.state.actions == ["mem2reg"]
        assert forked.observe("IrSha1") == env.observe("IrSha1")

        forked.step(names.index("gvn"))
        env.step(names.index("simplifycfg"))
        assert env.state.actions == ["mem2reg", "simplifycfg"]
        assert forked.state.actions == ["mem2reg", "gvn"]
        assert forked.observe("IrSha1") != env.observe("IrSha1")

        assert env.validate().ok
        assert forked.validate().ok
    finally:
        forked.close()
    # The fork shared the connection: closing it leaves the original working.
    env.step(names.index("gvn"))
    assert env.state.actions == ["mem2reg", "simplifycfg", "gvn"]
