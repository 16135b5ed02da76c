"""Spaces built from the server's self-description (GetSpaces), shaped like Gymnasium's.

The server describes every space (kind, shape, bounds, names), so nothing here knows LLVM: a space
added to the server appears in Python without a client release. Each has Gymnasium's ``shape``,
``dtype``, ``np_random``, ``seed()`` and ``contains()`` (also as ``in``), and ``sample()`` where
the server's description says what to draw from.
"""

import copy

import numpy as np

from ._proto import pb


class Space:
    """What every space has: the server's name, description and flags, and a random generator."""

    shape = None
    dtype = None

    def __init__(self, proto=None, name=""):
        self.name = proto.name if proto is not None else name
        self.description = proto.description if proto is not None else ""
        self.deterministic = proto.deterministic if proto is not None else True
        self.platform_dependent = proto.platform_dependent if proto is not None else False
        self.np_random = np.random.default_rng()

    def seed(self, seed=None):
        """Makes sample() reproducible."""
        self.np_random = np.random.default_rng(seed)
        return [seed]

    def sample(self):
        raise NotImplementedError(f"{self!r} cannot be sampled")

    def contains(self, x):
        return False

    def __contains__(self, x):
        return self.contains(x)

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"


class Discrete(Space):
    """One of ``n`` choices, numbered 0..n-1, each with a name (an action space's passes)."""

    shape = ()
    dtype = np.dtype(np.int64)
    start = 0

    def __init__(self, proto):
        super().__init__(proto)
        self.names = list(proto.names)
        self.n = len(self.names)

    def sample(self):
        return int(self.np_random.integers(self.n))

    def contains(self, x):
        return isinstance(x, (int, np.integer)) and not isinstance(x, bool) and 0 <= x < self.n

    def __repr__(self):
        return f"Discrete({self.name!r}, n={self.n})"


class MultiDiscrete(Space):
    """One choice for each of ``len(nvec)`` parts, the i-th among ``nvec[i]``: a vector environment's actions."""

    dtype = np.dtype(np.int64)

    def __init__(self, nvec, name=""):
        super().__init__(name=name)
        self.nvec = np.asarray(nvec, dtype=np.int64)
        self.shape = self.nvec.shape

    def sample(self):
        return self.np_random.integers(self.nvec)

    def contains(self, x):
        x = np.asarray(x)
        return x.shape == self.shape and x.dtype.kind in "iu" and bool(np.all((0 <= x) & (x < self.nvec)))

    def __repr__(self):
        return f"MultiDiscrete({self.nvec.tolist()})"


class Box(Space):
    """Numbers: an int64 vector (shape ``(k,)``), or an int64 or float64 scalar (shape ``()``).

    Without bounds from the server, ``low`` and ``high`` are the dtype's extremes.
    """

    def __init__(self, proto, dtype):
        super().__init__(proto)
        self.dtype = np.dtype(dtype)
        self.shape = tuple(proto.shape)
        low, high = (proto.bounds.low, proto.bounds.high) if proto.HasField("bounds") else (-np.inf, np.inf)
        if self.dtype.kind == "i":
            limits = np.iinfo(self.dtype)
            low, high = max(low, limits.min), min(high, limits.max)
        self.low = np.full(self.shape, low, dtype=self.dtype)
        self.high = np.full(self.shape, high, dtype=self.dtype)

    def sample(self):
        """A uniform sample; an int for an int64 scalar, a float for a float64 one, else an array."""
        if self.dtype.kind == "i":
            value = self.np_random.integers(self.low, self.high, endpoint=True, dtype=np.int64)
        elif np.all(np.isfinite(self.low)) and np.all(np.isfinite(self.high)):
            value = self.np_random.uniform(self.low, self.high)
        else:
            raise ValueError(f"{self.name} has no bounds to sample a float between")
        value = np.asarray(value, dtype=self.dtype)
        return value.item() if self.shape == () else value

    def contains(self, x):
        x = np.asarray(x)
        return (x.shape == self.shape and np.can_cast(x.dtype, self.dtype, "same_kind")
                and bool(np.all((self.low <= x) & (x <= self.high))))

    def __repr__(self):
        return f"Box({self.name!r}, shape={self.shape}, dtype={self.dtype})"


class Text(Space):
    """A string, such as the IR."""

    shape = ()
    dtype = np.dtype(object)

    def contains(self, x):
        return isinstance(x, str)


class Bytes(Space):
    """Raw bytes, such as bitcode."""

    shape = ()
    dtype = np.dtype(object)

    def contains(self, x):
        return isinstance(x, bytes)


class Sequence(Space):
    """A vector whose length the server does not fix: a numpy array of any length, each element in ``feature_space``."""

    def __init__(self, proto, feature_space):
        super().__init__(proto)
        self.feature_space = feature_space
        self.dtype = feature_space.dtype

    def seed(self, seed=None):
        super().seed(seed)
        self.feature_space.seed(seed)
        return [seed]

    def contains(self, x):
        x = np.asarray(x)
        return x.ndim == 1 and all(self.feature_space.contains(v) for v in x.tolist())

    def __repr__(self):
        return f"Sequence({self.name!r}, {self.feature_space!r})"


class Dict(Space):
    """Several spaces by name; its values are dicts. An environment observing several spaces at once has one."""

    def __init__(self, spaces):
        super().__init__(name="Dict")
        self.spaces = dict(spaces)

    def seed(self, seed=None):
        super().seed(seed)
        children = np.random.SeedSequence(seed).spawn(len(self.spaces))
        for space, child in zip(self.spaces.values(), children):
            space.seed(int(child.generate_state(1)[0]))
        return [seed]

    def sample(self):
        return {name: space.sample() for name, space in self.spaces.items()}

    def contains(self, x):
        return (isinstance(x, dict) and x.keys() == self.spaces.keys()
                and all(space.contains(x[name]) for name, space in self.spaces.items()))

    def __getitem__(self, name):
        return self.spaces[name]

    def __repr__(self):
        return f"Dict({', '.join(f'{n}: {s!r}' for n, s in self.spaces.items())})"


class Tuple(Space):
    """A fixed number of spaces, a value from each: a vector environment's batch of a space whose
    values numpy cannot stack (text, bytes, sequences), as Gymnasium batches them."""

    dtype = np.dtype(object)

    def __init__(self, spaces, name="Tuple"):
        super().__init__(name=name)
        self.spaces = tuple(spaces)
        self.shape = (len(self.spaces),)

    def contains(self, x):
        return len(x) == len(self.spaces) and all(space.contains(v) for space, v in zip(self.spaces, x))

    def __getitem__(self, index):
        return self.spaces[index]

    def __len__(self):
        return len(self.spaces)

    def __repr__(self):
        return f"Tuple({', '.join(map(repr, self.spaces))})"


def batch_space(space, n):
    """The space of ``n`` values of ``space`` as a vector environment returns them: a ``Box`` with a
    leading axis of ``n``, a ``Dict`` of batched spaces, or a ``Tuple`` of ``n`` copies."""
    if isinstance(space, Box):
        batch = copy.copy(space)
        batch.shape = (n, *space.shape)
        batch.low, batch.high = np.stack([space.low] * n), np.stack([space.high] * n)
        batch.np_random = np.random.default_rng()
        return batch
    if isinstance(space, Dict):
        return Dict({name: batch_space(child, n) for name, child in space.spaces.items()})
    return Tuple([copy.deepcopy(space) for _ in range(n)], name=space.name)


def from_proto(proto):
    """The space for a server's description; a kind this client does not know gives a plain Space."""
    if proto.kind == pb.SPACE_KIND_INT64_VECTOR and not proto.shape:
        element = pb.Space(name=proto.name, kind=pb.SPACE_KIND_INT64_SCALAR)
        if proto.HasField("bounds"):
            element.bounds.CopyFrom(proto.bounds)
        return Sequence(proto, Box(element, np.int64))
    kinds = {
        pb.SPACE_KIND_DISCRETE: lambda: Discrete(proto),
        pb.SPACE_KIND_INT64_SCALAR: lambda: Box(proto, np.int64),
        pb.SPACE_KIND_INT64_VECTOR: lambda: Box(proto, np.int64),
        pb.SPACE_KIND_FLOAT64_SCALAR: lambda: Box(proto, np.float64),
        pb.SPACE_KIND_TEXT: lambda: Text(proto),
        pb.SPACE_KIND_BYTES: lambda: Bytes(proto),
    }
    return kinds.get(proto.kind, lambda: Space(proto))()
