"""What lives as long as the app is set aside from the garbage collector.

A section's modules and screen live until the app closes. Python's full collection walks every
object alive, and on a ten-year office one took 60-160 ms in the middle of some later keystroke.
``gc.freeze`` moves what is alive now out of the collector's sight; it is called once a
section's modules are loaded. Frozen objects are still freed when nothing refers to them; what
was already garbage in a cycle stays (about 9 MiB over a session that opens every section).
"""

from __future__ import annotations

import gc


def set_aside_what_is_alive() -> None:
    gc.freeze()
