"""The project stands alone: nothing in it points at the design folder it was built from."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Spelled in pieces, so this file does not itself point where it forbids pointing.
DESIGN_FOLDER = "shared"
POINTERS = ("/".join(["..", DESIGN_FOLDER]), f"{DESIGN_FOLDER}/FACTS", f"{DESIGN_FOLDER}/DESIGN")


def test_no_tracked_file_refers_to_the_design_folder():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for name in tracked:
        path = ROOT / name
        if path.is_file() and path.suffix not in {".png", ".woff", ".woff2", ".ttf", ".eot"}:
            text = path.read_text(errors="ignore")  # every text file: code, notes, data, configuration
            if any(pointer in text for pointer in POINTERS):
                offenders.append(name)
    assert not offenders, f"these files point at the design folder; cite the primary sources instead: {offenders}"
