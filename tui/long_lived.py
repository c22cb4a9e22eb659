"""What lives as long as the app is set aside from the garbage collector.

A section's modules, its screen and its first rows live until the app closes. Python's full
collection walks every object alive, and on a ten-year office one took 60-160 ms in the
middle of some later keystroke. ``gc.freeze`` moves what is alive now out of the collector's
sight; it is called once a section's module is loaded and once its first rows are shown.
Frozen objects are still freed when nothing refers to them; only a cycle among them would
outlive its use, and the screens and rows frozen here are not thrown away in cycles.
"""

from __future__ import annotations

import gc


def set_aside_what_is_alive() -> None:
    gc.freeze()
