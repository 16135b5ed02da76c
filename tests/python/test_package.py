"""`pip install` offline into a fresh virtual environment, from the repository's src/python and from
its sdist away from the repository, gives a package that imports without writing anywhere."""

import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest
from conftest import CRC32, REPO

PROTO_FILE = "compiler_gym/v1/compiler_gym.proto"


def _files(root):
    return {(str(path), path.stat().st_mtime_ns) for path in root.rglob("*")}


def _checkout_copy(root):
    """A copy of what the build reads (src/python and proto/, at the same distance), so that the
    build's own files (build/, *.egg-info, dist/) do not land in the repository."""
    source = root / "src" / "python"
    shutil.copytree(REPO / "src/python", source,
                    ignore=shutil.ignore_patterns("build", "dist", "*.egg-info", "_generated", "__pycache__"))
    shutil.copytree(REPO / "proto", root / "proto")
    return source


def _install(root, source):
    """A fresh venv in ``root`` with ``source`` installed into it; its python."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(root / "venv")], check=True, timeout=300)
    python = root / "venv" / "bin" / "python"
    run = subprocess.run([str(python), "-m", "pip", "install", "--no-build-isolation", "--no-index", str(source)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"pip install failed:\n{run.stdout}\n{run.stderr}"
    return python


@pytest.fixture(scope="module", autouse=True)
def _needs_venv_and_setuptools():
    if importlib.util.find_spec("ensurepip") is None or importlib.util.find_spec("setuptools") is None:
        pytest.skip("needs python3-venv and python3-setuptools")


# Temporary folders of their own rather than pytest's, which keeps the last runs' venvs.
@pytest.fixture(scope="module")
def sdist():
    """The sdist `python3 setup.py sdist` makes in a checkout."""
    with tempfile.TemporaryDirectory(prefix="cgym-sdist-") as folder:
        root = Path(folder)
        run = subprocess.run([sys.executable, "setup.py", "-q", "sdist", "--dist-dir", str(root / "dist")],
                             cwd=_checkout_copy(root), capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, f"setup.py sdist failed:\n{run.stdout}\n{run.stderr}"
        [archive] = (root / "dist").glob("*.tar.gz")
        yield archive


@pytest.fixture(scope="module", params=["checkout", "sdist"])
def venv(request):
    with tempfile.TemporaryDirectory(prefix=f"cgym-{request.param}-") as folder:
        root = Path(folder)
        if request.param == "checkout":
            source = _checkout_copy(root)
        else:
            with tarfile.open(request.getfixturevalue("sdist")) as archive:
                archive.extractall(root / "unpacked")
            [source] = (root / "unpacked").iterdir()
            # Where a checkout has the repository's proto/: absent, so the build must use the sdist's copy.
            assert not (source.parent.parent / "proto").exists()
        yield root, _install(root, source)


def test_the_sdist_carries_the_repositorys_proto(sdist):
    with tarfile.open(sdist) as archive:
        copies = [member for member in archive.getmembers() if member.name.endswith(".proto")]
        assert [member.name.split("/", 1)[1] for member in copies] == [f"proto/{PROTO_FILE}"]
        assert archive.extractfile(copies[0]).read() == (REPO / "proto" / PROTO_FILE).read_bytes()


def test_the_installed_package_runs_an_episode_and_writes_nothing(venv, address):
    root, python = venv
    before = _files(root)
    code = ("import compiler_gym_dotnet as cgym\n"
            "print(cgym.__file__)\n"
            f"with cgym.CompilerEnv({address!r}, benchmark={CRC32!r}, observation_space='Autophase') as env:\n"
            "    observation, _ = env.reset()\n"
            "    print(len(observation), len(env.step(0)[0]))\n")
    # Another folder and no PYTHONPATH: the venv's copy is imported, not the repository's.
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    run = subprocess.run([str(python), "-c", code], cwd=root, capture_output=True, text=True, timeout=300, env=environment)
    assert run.returncode == 0, run.stderr
    location, episode = run.stdout.splitlines()
    assert location.startswith(str(root / "venv")), location
    assert episode == "56 56"
    # Not even bytecode: pip compiled it at install, and the stubs came with the build.
    assert _files(root) == before
