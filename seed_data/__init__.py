"""The demo company Orbelia Télécom: plain files a trainer can read and edit.

`SEED_DIR` is the folder holding them, found next to this module so it works from a
source checkout and from an installed wheel alike.
"""

from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent
