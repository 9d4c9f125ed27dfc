"""The apps' layers hold (docs/adr/0010-layers.md), checked by import-linter's contracts in
pyproject.toml: `make test` runs `lint-imports` first, and these tests make the suite fail too."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def _lint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo", *args],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_import_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _fake_project(tmp_path: Path, modules: dict[str, str]) -> Path:
    """Empty packages under the project's names, plus `modules` (dotted name -> source)."""
    config = "\n".join(
        t
        for t in re.split(r"\n(?=\[)", (ROOT / "pyproject.toml").read_text())
        if t.startswith(("[tool.importlinter", "[[tool.importlinter"))
    )
    (tmp_path / "pyproject.toml").write_text(config)
    packages = re.findall(r'^\s+"([a-z_.]+)",$', config.split("[[tool.importlinter")[0], re.M)
    for package in [
        *packages,
        "referrals.merlin",
        "referrals.information_requests",
        "referrals.notices",
    ]:
        directory = tmp_path.joinpath(*package.split("."))
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "__init__.py").touch()
    for name, source in modules.items():
        tmp_path.joinpath(*name.split(".")).with_suffix(".py").write_text(source)
    return tmp_path


def test_a_function_level_import_of_a_higher_app_breaks_the_build(tmp_path):
    # The shape of the old thresholds -> referrals import, hidden inside a function.
    project = _fake_project(
        tmp_path,
        {
            "referrals.selectors": "def contacts_visible_to(user):\n    return []\n",
            "thresholds.selectors": (
                "def dashboard(user):\n"
                "    from referrals.selectors import contacts_visible_to\n\n"
                "    return contacts_visible_to(user)\n"
            ),
        },
    )
    result = _lint(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "thresholds.selectors -> referrals.selectors" in result.stdout
    assert "accounts and thresholds import no domain app BROKEN" in result.stdout


def test_an_import_cycle_between_two_apps_breaks_the_build(tmp_path):
    # The shape of the old referrals <-> mash cycle.
    project = _fake_project(
        tmp_path,
        {
            "mash.services": "from referrals import rating\n",
            "referrals.rating": "def rate():\n    from mash.services import discussion_add\n",
        },
    )
    result = _lint(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "referrals.rating -> mash.services" in result.stdout
