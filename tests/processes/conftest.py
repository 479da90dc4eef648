import io
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "processes"


@pytest.fixture
def catalogue(db):
    """The real catalogue, loaded from fixtures/processes/."""
    call_command("load_processes", stdout=io.StringIO())


class FixtureCopy:
    """A copy of the fixtures folder that a test can change file by file."""

    def __init__(self, folder: Path):
        self.folder = folder
        shutil.copytree(FIXTURES, folder)

    def path(self, name: str) -> Path:
        matches = sorted(self.folder.glob(f"*{name}*.yaml"))
        assert len(matches) == 1, f"{name!r} matches {matches}"
        return matches[0]

    def read(self, name: str) -> dict:
        return yaml.safe_load(self.path(name).read_text(encoding="utf-8"))

    def write(self, name: str, data: dict) -> Path:
        path = self.path(name)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def edit(self, name: str, change) -> Path:
        data = self.read(name)
        change(data)
        return self.write(name, data)


@pytest.fixture
def fixture_copy(tmp_path):
    return FixtureCopy(tmp_path / "processes")
