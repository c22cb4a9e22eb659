"""Errors of the data layer, each with a sentence a person understands."""

import errno
from collections.abc import Iterator
from contextlib import contextmanager


class DataError(Exception):
    """Base of every error the data layer raises on purpose."""


class NotFoundError(DataError):
    pass


class ConflictError(DataError):
    """The record changed in another session since it was opened."""

    def __init__(self, message: str, *, changed_by: str = "", changed_at: object = None) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


class DataFileError(DataError):
    """A data file cannot be parsed; it is left untouched."""


class NoAccessError(DataError):
    """The user may not read (or write) a data file."""


class NewerSchemaError(DataError):
    """The file was written by a newer program; this one refuses to write it."""


class RuleError(DataError):
    """A domain rule refused the change (an illegal status move, for example)."""


class FieldError(DataError):
    """A value refused by a rule, tied to the field a form shows it under."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UnknownCollectionError(DataError):
    """A collection name that the registry does not know (bad input on the command line)."""


class DamagedRecordError(DataError):
    """A stored document is not a valid record (a hand edit, an older version); it is left
    as it is and the rest of its collection keeps working."""

    def __init__(self, message: str, *, where: str) -> None:
        super().__init__(message)
        self.where = where  # "supplies #12"


class StorageError(DataError):
    """The disk refused a save (full, read-only, failing); the file is left as it was."""


class NoOfficeError(DataError):
    """The data folder does not exist, and the caller did not ask to start a new office."""


class LockTimeout(DataError):
    """Another session held a data file's lock for longer than this one would wait."""

    def __init__(self, message: str, *, holder: object = None) -> None:
        super().__init__(message)
        self.holder = holder  # a data.engine.locks.LockHolder, or None when the lock file names no one


class LockCancelled(DataError):
    """The person stopped waiting for a data file's lock; nothing was changed."""

    def __init__(self, message: str, *, holder: object = None) -> None:
        super().__init__(message)
        self.holder = holder


TROUBLE = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EIO: "the disk reported an input/output error",
    errno.EFBIG: "the file would be larger than this system allows",
    errno.EMFILE: "too many files are open",
    errno.ENFILE: "too many files are open",
    errno.ENOMEM: "the system is out of memory",
}


def trouble(error: OSError) -> str:
    """What went wrong with the disk, as part of a sentence."""
    reason = TROUBLE.get(error.errno or 0)
    if reason is None:
        reason = (error.strerror or str(error)).lower() + (f" ({error.filename})" if error.filename else "")
    return reason


def save_error(file_name: str, error: OSError) -> DataError:
    if error.errno in (errno.EACCES, errno.EPERM):
        return NoAccessError(f"You may not change {file_name}: no write access to {error.filename or file_name}.")
    return StorageError(f"Could not save {file_name}: {trouble(error)}. Nothing was changed.")


@contextmanager
def saving(file_name: str) -> Iterator[None]:
    """Turn the disk's refusals while saving ``file_name`` into sentences."""
    try:
        yield
    except OSError as error:
        raise save_error(file_name, error) from error
