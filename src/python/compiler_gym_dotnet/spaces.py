"""Spaces built from the server's self-description (GetSpaces), shaped like Gymnasium's.

The server describes every space (kind, shape, bounds, names), so nothing here knows LLVM: a space
added to the server appears in Python without a client release.
"""

import numpy as np

from ._proto import pb


class Space:
    """What every space has: the server's name, description and flags, and a random generator."""

    def __init__(self, proto):
        self.name = proto.name
        self.description = proto.description
        self.deterministic = proto.deterministic
        self.platform_dependent = proto.platform_dependent
        self.np_random = np.random.default_rng()

    def seed(self, seed=None):
        """Makes sample() reproducible."""
        self.np_random = np.random.default_rng(seed)

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"


class Discrete(Space):
    """One of ``n`` choices, numbered 0..n-1, each with a name (an action space's passes)."""

    def __init__(self, proto):
        super().__init__(proto)
        self.names = list(proto.names)
        self.n = len(self.names)

    def sample(self):
        return int(self.np_random.integers(self.n))

    def contains(self, x):
        return isinstance(x, (int, np.integer)) and 0 <= x < self.n

    def __repr__(self):
        return f"Discrete({self.name!r}, n={self.n})"


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

    def contains(self, x):
        return isinstance(x, str)


class Bytes(Space):
    """Raw bytes, such as bitcode."""

    def contains(self, x):
        return isinstance(x, bytes)


def from_proto(proto):
    """The space for a server's description; a kind this client does not know gives a plain Space."""
    kinds = {
        pb.SPACE_KIND_DISCRETE: lambda: Discrete(proto),
        pb.SPACE_KIND_INT64_SCALAR: lambda: Box(proto, np.int64),
        pb.SPACE_KIND_INT64_VECTOR: lambda: Box(proto, np.int64),
        pb.SPACE_KIND_FLOAT64_SCALAR: lambda: Box(proto, np.float64),
        pb.SPACE_KIND_TEXT: lambda: Text(proto),
        pb.SPACE_KIND_BYTES: lambda: Bytes(proto),
    }
    return kinds.get(proto.kind, lambda: Space(proto))()
