"""What the app loads for good is kept out of the garbage collector's sight; the garbage that
keeps is collected in a pause."""

from __future__ import annotations

import gc

_garbage_set_aside = False  # something was set aside since the last collection


def set_aside() -> None:
    """Everything alive now (a section's modules and screen, just loaded) out of the
    collector's sight. A full collection walking every module and screen took 60-160 ms in the
    middle of some later keystroke on a ten-year office. Frozen objects are still freed when
    nothing refers to them; what was already garbage in a cycle stays until
    collect_what_was_set_aside."""
    global _garbage_set_aside
    gc.freeze()
    _garbage_set_aside = True


def collect_what_was_set_aside() -> None:
    """One full collection, for the cyclic garbage set aside with the rest: about 10 MiB by
    the end of a session on a ten-year office. It takes as long as the collections it keeps
    out of the keystrokes, so the app runs it when nobody has typed for a while."""
    global _garbage_set_aside
    if _garbage_set_aside:
        _garbage_set_aside = False
        gc.unfreeze()
        gc.collect()
        gc.freeze()
