"""`pip install src/python` into a fresh virtual environment, offline, gives a package that imports without writing anywhere."""

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest
from conftest import CRC32, REPO


def _files(root):
    return {(str(path), path.stat().st_mtime_ns) for path in root.rglob("*")}


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    if importlib.util.find_spec("ensurepip") is None or importlib.util.find_spec("setuptools") is None:
        pytest.skip("needs python3-venv and python3-setuptools")
    root = tmp_path_factory.mktemp("package")
    # A copy of what the build reads (src/python and proto/, at the same distance), so that the
    # build's own files (build/, *.egg-info) do not land in the repository.
    source = root / "src" / "python"
    shutil.copytree(REPO / "src/python", source, ignore=shutil.ignore_patterns("build", "*.egg-info", "_generated", "__pycache__"))
    shutil.copytree(REPO / "proto", root / "proto")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(root / "venv")], check=True, timeout=300)
    python = root / "venv" / "bin" / "python"
    run = subprocess.run([str(python), "-m", "pip", "install", "--no-build-isolation", "--no-index", str(source)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"pip install failed:\n{run.stdout}\n{run.stderr}"
    return root, python


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
