"""What a stranger's input costs to read: the pathological inputs of issue 29's audit at 1x, 2x
and 4x their size, each against an ordinary input of the same size read in the same run.

    python bench/strangers.py [--only html,cv,docx,mail,import] [--code DIR] [--timeout 120]

Each input is made here and written to a file; each reading runs in a fresh child process of
its own, which loads the file, notes its peak resident memory (VmHWM), does the work as the
app does it and reports the CPU time it took and how far its peak memory rose. Linear time
shows as a time ratio of about 2 and 4 down a column, a bound as about 1; the ordinary input
beside it is the yardstick for the work itself.

- html: a mail whose HTML body is lines of "<a" (parse_message), against an ordinary HTML mail
- cv: a text CV of one word (read_cv, then what its text suggests), against an ordinary CV
- docx: a DOCX of 15 to 60 header parts of 19 MB each (2.2 MB at 60), against an ordinary DOCX
  of the same file size (its text and a photo); and 5-20 MB of markup without text within the cap
- mail: messages of 12, 25 and 50 MB (the fetch's cap) made of empty parts, header lines,
  short lines or one long text, against an ordinary one of two attachments: peak memory is
  also given as a multiple of the message's size
- import: `backoffice import calls` of a CSV of 250,000 to a million rows, against ordinary
  imports of 5,000 to 20,000 rows (the most one takes), each into a fresh office

``--code DIR`` runs the children on another checkout's code (a `git worktree` of an older
commit), to set the readings before a change beside these; a child still at work after
``--timeout`` seconds is stopped and shown as such.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
WORD_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
ORDINARY_CV = ("Ann Lee\nBookkeeper\nann.lee@example.com · +44 7700 900123\n\n"
               "Five years of accounts for a charity: payroll, VAT returns and the yearly audit.\n")
ORDINARY_HTML = ('<p>Dear customer, our <b>new range</b> of <a href="https://shop.example/paper?ref=mail&amp;id=7">'
                 "paper</a> is in stock &mdash; order before Friday.</p>\n")


# -- the child: one reading, measured ----------------------------------------------------------


def child(work: str, file: str) -> None:
    sys.path.insert(0, os.environ.get("STRANGERS_CODE", str(HERE)))
    run = {"mail": mail_reader, "cv": cv_reader, "import": importer}[work]()  # its modules loaded before it is timed
    data = Path(file).read_bytes() if work == "mail" else Path(file)
    before = peak_memory()
    started, cpu = time.perf_counter(), cpu_seconds()
    said = run(data)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    rise = (peak_memory() - before) / 2**20
    print(json.dumps({"seconds": cpu, "wall": seconds, "rise": rise, "said": said[:160]}))


def peak_memory() -> int:
    """This process's peak resident memory in bytes: Linux's VmHWM, which starts afresh at
    exec (ru_maxrss keeps the forking parent's, and that was the larger here)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_seconds() -> float:
    """This process's and its children's (pdftotext's): on a shared machine, wall time is
    what the neighbours did too."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def mail_reader() -> Callable[[bytes], str]:
    from data.mail.parse import parse_message

    def read(raw: bytes) -> str:
        parsed = parse_message(raw)
        return "; ".join(parsed.fields["problems"]) or f"{len(parsed.fields['text']):,} characters of text"
    return read


def cv_reader() -> Callable[[Path], str]:
    from data.candidates.cv_files import CvUnreadable, read_cv
    from data.candidates.cv_suggestions import suggest

    def read(path: Path) -> str:
        try:
            cv = read_cv(path)
        except CvUnreadable as refused:
            return str(refused)
        suggest(cv.text)
        return f"{len(cv.text):,} characters" + (", cut" if cv.cut else "")
    return read


def importer() -> Callable[[Path], str]:
    import contextlib

    from tui.cli import main

    office = tempfile.mkdtemp()
    said = io.StringIO()
    with contextlib.redirect_stderr(said), contextlib.redirect_stdout(said):
        main(["--data", office, "add", "calls", "caller=Ann"])  # the office, and the code, ready before the import is timed

    def run(path: Path) -> str:
        said.seek(0)
        said.truncate(0)
        with contextlib.redirect_stderr(said), contextlib.redirect_stdout(said):
            main(["--data", office, "import", "calls", str(path)])
        shutil.rmtree(office)
        return said.getvalue().strip().replace("backoffice: ", "").replace(str(path), path.name)
    return run


# -- the parent: inputs, children, the table ---------------------------------------------------


class Bench:
    def __init__(self, folder: Path, code: Path, timeout: float) -> None:
        self.folder, self.code, self.timeout = folder, code, timeout
        self.yardstick: dict[str, dict] = {}  # the ordinary input's reading, by size

    def measure(self, work: str, name: str, data: bytes | Callable[[Path], None]) -> dict:
        path = self.folder / name
        data(path) if callable(data) else path.write_bytes(data)
        command = [sys.executable, str(Path(__file__).resolve()), "--child", work, str(path)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=self.timeout, check=True,
                                  env={**os.environ, "STRANGERS_CODE": str(self.code)})
            reading = json.loads(done.stdout.splitlines()[-1])
        except subprocess.TimeoutExpired:
            reading = {"seconds": None, "rise": None, "said": f"still at work after {self.timeout:.0f} s"}
        except subprocess.CalledProcessError as failed:
            reading = {"seconds": None, "rise": None, "said": f"failed: {failed.stderr.strip().splitlines()[-1]}"}
        reading["size"] = path.stat().st_size
        path.unlink()
        return reading

    def family(self, title: str, work: str, sizes: list[tuple[str, int]], ordinary: Callable[[int], bytes | Callable],
               strange: dict[str, Callable[[int], bytes | Callable]], per_size: bool = False) -> None:
        self.yardstick = {}
        self.heading(title, per_size)
        for kind, make in [("ordinary", ordinary), *strange.items()]:
            first = None
            for label, size in sizes:
                reading = self.measure(work, f"{kind.replace(' ', '-')}-{label}{suffix(work)}", make(size))
                if kind == "ordinary":
                    self.yardstick[label] = reading
                first = first or reading
                self.row(f"{kind}, {label}", reading, first, self.yardstick.get(label), per_size)

    def heading(self, title: str, per_size: bool = False) -> None:
        print(f"\n{title}")
        print(f"  {'input':<34} {'size':>9} {'CPU':>9} {'x 1x':>6} {'x ord.':>7} {'peak rise':>10} {'x ord.':>7}"
              + ("  x size" if per_size else "") + "  what was said")

    def row(self, name: str, reading: dict, first: dict, yardstick: dict | None, per_size: bool) -> None:
        seconds, rise = reading["seconds"], reading["rise"]
        times = ratio(seconds, first["seconds"], floor=0.01)
        against = ratio(seconds, yardstick and yardstick["seconds"], floor=0.01)
        memory = ratio(rise, yardstick and yardstick["rise"], floor=1)
        of_size = f"  {rise * 2**20 / reading['size']:5.1f}x" if per_size and rise is not None else ""
        shown = "—" if seconds is None else f"{seconds:8.2f}s"
        peak = "—" if rise is None else f"{rise:7.0f} MB"
        print(f"  {name:<34} {megabytes(reading['size']):>9} {shown:>9} {times:>6} {against:>7} {peak:>10} {memory:>7}{of_size}  {reading['said']}")


def suffix(work: str) -> str:
    return {"mail": ".eml", "cv": "", "import": ".csv"}[work]


def ratio(value: float | None, base: float | None, floor: float) -> str:
    if value is None or base is None:
        return "—"
    return f"{max(value, floor) / max(base, floor):.1f}x"


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 1024:.0f} KB"


# -- the inputs --------------------------------------------------------------------------------


def message(body: str, content_type: str = "text/plain") -> bytes:
    head = f"From: Ann Lee <ann@supplier.example>\r\nTo: office@office.example\r\nSubject: Offer\r\nContent-Type: {content_type}\r\n\r\n"
    return head.encode() + body.encode()


def html_mail(lines: str) -> Callable[[int], bytes]:
    return lambda size: message(lines * (size // len(lines)), "text/html; charset=utf-8")


def cv_text(text: str) -> Callable[[int], bytes]:
    return lambda size: text[:size].encode()


def docx_of_parts(parts: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        text = f"<w:hdr {WORD_NS}><w:p><w:r><w:t>{'Experience. ' * (19 * 2**20 // 12)}</w:t></w:r></w:p></w:hdr>"
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as docx:
            docx.writestr("word/document.xml", f"<w:document {WORD_NS}><w:body><w:p><w:r><w:t>Ann Lee</w:t></w:r></w:p></w:body></w:document>")
            for number in range(1, parts + 1):
                docx.writestr(f"word/header{number}.xml", text)
    return write


def docx_of(photo: int = 0, markup: str = "", unpacked: int = 0) -> Callable[[Path], None]:
    """An ordinary CV: a page of text and a photo of ``photo`` bytes; or, with ``markup``, a
    document of ``unpacked`` bytes of that markup."""
    def write(path: Path) -> None:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as docx:
            if markup:
                body = markup * (unpacked // len(markup))
            else:
                body = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in ORDINARY_CV.splitlines() * 40)
            docx.writestr("word/document.xml", f"<w:document {WORD_NS}><w:body>{body}</w:body></w:document>")
            if photo:
                docx.writestr("word/media/image1.jpeg", os.urandom(photo), compress_type=zipfile.ZIP_STORED)
    return write


def mail_of(kind: str) -> Callable[[int], bytes]:
    def make(size: int) -> bytes:
        if kind == "attachments":
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = "ann@supplier.example", "office@office.example", "Scans"
            mail.set_content("The scans you asked for.")
            for number in (1, 2):
                mail.add_attachment(os.urandom(size * 3 // 8 - 2**15), maintype="application", subtype="pdf", filename=f"scan-{number}.pdf")
            return mail.as_bytes()
        if kind == "empty parts":
            return message("--B\r\n\r\nx\r\n" * (size // 11) + "--B--\r\n", "multipart/mixed; boundary=B")
        if kind == "header lines":
            return b"From: ann@supplier.example\r\n" + b"X-Filler: x\r\n" * (size // 13) + b"\r\nhi\r\n"
        if kind == "short lines":
            part = "--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment\r\n\r\n" + "x\r\n" * (size // 3)
            return message("--B\r\n\r\nSee attached.\r\n" + part + "--B--\r\n", "multipart/mixed; boundary=B")
        return message("Lots to say. " * (size // 13))  # one long text
    return make


def calls_csv(rows: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with open(path, "w") as out:
            out.write("caller,number,company,message\n")
            for n in range(rows):
                out.write(f"Caller {n},0161 496 {n % 10_000:04d},Acme Ltd,Please call back about order {n}\n")
    return write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="html,cv,docx,mail,import")
    parser.add_argument("--code", type=Path, default=HERE, help="the checkout whose code the children run")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    only = set(args.only.split(","))
    print(f"code: {args.code.resolve()}; each reading in a fresh process: its CPU time (wall time stopped at --timeout), "
          "and its peak rise, its peak RSS (VmHWM) after the work less before it; ratios floored at 10 ms and 1 MB")
    with tempfile.TemporaryDirectory() as folder:
        bench = Bench(Path(folder), args.code.resolve(), args.timeout)
        kb = [("1x", 256 * 1024), ("2x", 512 * 1024), ("4x", 1024 * 1024)]
        if "html" in only:
            bench.family("An HTML mail of '<a' lines (audit: 1 MB still running at 420 s, 200 KB 98 s)", "mail", kb,
                         html_mail(ORDINARY_HTML), {"'<a' lines": html_mail("<a\n")})
        if "cv" in only:
            sizes = [("1x", 50_000), ("2x", 100_000), ("4x", 200_000)]
            bench.family("A text CV of one word (audit: 200 KB still running at 120 s)", "cv", sizes,
                         cv_text(ORDINARY_CV * 2000), {"one word": cv_text("Ann Lee\n" + "a" * 400_000)})
        if "docx" in only:
            bench.heading("A DOCX of header parts of 19 MB each (audit: 60 parts, 1.1 MB, 400 s and 5.0 GB), "
                          "against an ordinary one of the same file size (a page of text and a photo)")
            first = {}
            for count in (15, 30, 60):
                strange = bench.measure("cv", f"parts-{count}.docx", docx_of_parts(count))
                ordinary = bench.measure("cv", f"ordinary-{count}.docx", docx_of(photo=strange["size"] - 3000))
                first = first or {"ordinary": ordinary, "strange": strange}
                bench.row(f"ordinary, {count} parts' size", ordinary, first["ordinary"], ordinary, False)
                bench.row(f"{count} parts of 19 MB", strange, first["strange"], ordinary, False)
            markup = [("5 MB", 5 * 2**20), ("10 MB", 10 * 2**20), ("20 MB", 20 * 2**20 - 4096)]
            bench.family("A DOCX of markup and no text, within the 20 MB cap, against one of text paragraphs", "cv", markup,
                         lambda size: docx_of(markup="<w:p><w:r><w:t>Accounts, payroll, audits.</w:t></w:r></w:p>", unpacked=size),
                         {"markup": lambda size: docx_of(markup="<w:p><w:r/></w:p>", unpacked=size)})
        if "mail" in only:
            mb = [("12 MB", 12_500_000), ("25 MB", 25_000_000), ("50 MB", 50_000_000)]
            bench.family("Messages up to the fetch's 50 MB (peak rise also as a multiple of the message's size)", "mail", mb,
                         mail_of("attachments"),
                         {kind: mail_of(kind) for kind in ("empty parts", "header lines", "short lines", "one long text")},
                         per_size=True)
        if "import" in only:
            bench.heading("An import of calls: ordinary files up to the 20,000 rows one takes, then CSVs of up to a "
                          "million rows (audit: 5.9 GB); ratios against the ordinary 20,000")
            ordinary = [bench.measure("import", f"calls-{rows}.csv", calls_csv(rows)) for rows in (5_000, 10_000, 20_000)]
            for rows, reading in zip((5_000, 10_000, 20_000), ordinary):
                bench.row(f"{rows:,} rows", reading, ordinary[0], ordinary[-1], per_size=False)
            first = None
            for rows in (250_000, 500_000, 1_000_000):
                reading = bench.measure("import", f"calls-{rows}.csv", calls_csv(rows))
                first = first or reading
                bench.row(f"{rows:,} rows", reading, first, ordinary[-1], per_size=False)


if __name__ == "__main__":
    main()
