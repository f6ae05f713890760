"""The apps' one-way doors, as pyproject.toml's import-linter contracts state them: an app imports
only the apps below it (outbox <- members <- training <- meetings <- reports <- privacy),
none imports copractice, and no app's modules import each other in a loop."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["copractice", "privacy", "reports", "meetings", "training", "members", "outbox"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_apps_keep_their_layers_and_have_no_import_loop():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # a lower app importing a higher one
        ("members/selectors.py", "import training.selectors", "Apps import only the apps below"),
        ("training/services.py", "import meetings.models", "Apps import only the apps below"),
        ("meetings/selectors.py", "import reports.selectors", "Apps import only the apps below"),
        ("reports/selectors.py", "import privacy.selectors", "Apps import only the apps below"),
        ("privacy/selectors.py", "import copractice.logs", "Apps import only the apps below"),
        ("outbox/services.py", "import members.models", "Apps import only the apps below"),
        # an app importing copractice (the top: settings, urls, infrastructure)
        ("outbox/delivery.py", "import copractice.logs", "Apps import only the apps below"),
        # a loop inside an app (services -> notifications -> services), even through an import
        # inside a function
        ("meetings/notifications.py", "def _f():\n    from . import services", "No import loop"),
        ("outbox/delivery.py", "from . import tasks", "No import loop"),
        ("privacy/selectors.py", "from . import exports", "No import loop"),
    ],
)
def test_a_wrong_import_breaks_a_contract(tmp_path, module, line, broken):
    for name in [*APPS, "pyproject.toml"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    with (tmp_path / module).open("a") as file:
        file.write(f"\n{line}\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 1 kept, 1 broken." in result.stdout
    assert broken in result.stdout.split("Broken contracts", 1)[1]
