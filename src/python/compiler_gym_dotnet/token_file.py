"""The user's token file, which the servers they start use by default, and when clients send its token.

It is ``$CGYM_TOKEN_FILE``, else ``$XDG_CONFIG_HOME/compiler-gym-dotnet/token``, else
``~/.config/compiler-gym-dotnet/token`` (an empty variable counts as unset), as for the .NET
clients. A token file that other users may read or write is refused, as ssh refuses such a key.
"""

import ipaddress
import os
import stat
from pathlib import Path
from urllib.parse import urlsplit

PATH_VARIABLE = "CGYM_TOKEN_FILE"
_OTHERS = stat.S_IRWXG | stat.S_IRWXO


def default_path():
    """The default token file of this process's user."""
    if os.environ.get(PATH_VARIABLE):
        return Path(os.environ[PATH_VARIABLE])
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "compiler-gym-dotnet" / "token"


def read(path):
    """The token in ``path``; None when there is no such file."""
    try:
        with open(path, "rb") as file:
            if os.name != "nt" and os.fstat(file.fileno()).st_mode & _OTHERS:
                raise PermissionError(f"token file {path} may be read or written by other users: make a new one (delete it), "
                                      f"or if it is still secret, chmod 600 {path}")
            token = file.read().decode("utf-8", errors="replace").strip()
    except FileNotFoundError:
        return None
    # A token travels in an HTTP header, which carries printable ASCII only.
    if not token or any(not "!" <= c <= "~" for c in token):
        raise ValueError(f"token file {path} must hold one token of printable ASCII characters without spaces")
    return token


def is_loopback(address):
    """Whether ``address`` ("host:port", or with http:// or https://) is on this machine: localhost, 127.0.0.0/8 or ::1."""
    host = urlsplit("//" + address.removeprefix("http://").removeprefix("https://")).hostname or ""
    if host == "localhost":  # urlsplit lowers the case
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_token_for(address):
    """What a client given no token sends: the default file's token to a server on this machine, else none.

    Sent elsewhere, that token would open the user's servers here to whoever received it.
    """
    return read(default_path()) if is_loopback(address) else None
