"""The project stands alone: nothing in it points at the design folder it was built from."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_tracked_file_refers_to_the_shared_folder():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".py", ".md", ".yml", ".toml", ".ipynb", ".bib", ".cfg", ".txt", ""} and path.is_file():
            text = path.read_text(errors="ignore")
            if "shared/FACTS" in text or "shared/DESIGN" in text or "../shared" in text:
                offenders.append(name)
    offenders = [name for name in offenders if name != "tests/test_repository.py"]
    assert not offenders, f"these files point at ../shared; cite the primary sources instead: {offenders}"
