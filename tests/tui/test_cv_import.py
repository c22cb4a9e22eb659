"""CVs from files by the keys: I, a path (completed from the folder as it is typed), the
name, e-mail and phone found in the CV to confirm, and a folder's report."""

from __future__ import annotations

from textual.widgets import Input

from data.candidates.models import Position
from tests.cv_samples import ANN, write_docx, write_odt, write_pdf
from tests.tui.conftest import SIZE
from tests.tui.test_shell import wait_for
from tui.widgets.text_modal import TextModal


def shown(app, text: str) -> bool:
    """The text is in the candidate's pane, once the dialogs over it have closed."""
    return bool(app.screen.query("#cv")) and text in str(app.screen.query_one("#cv").render())


def field(app, name: str) -> str:
    return app.screen.query_one(f"#field-{name}").value


async def test_a_cv_file_by_keys_becomes_a_candidate_after_the_person_corrects_it(make_app, store, tmp_path):
    store.repo("positions").add(Position(title="Bookkeeper"))
    folder = tmp_path / "from-mail"
    folder.mkdir()
    write_docx(folder / "ann-lee.docx", ANN)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "I")
        await pilot.press(*f"{folder}/ann")  # the rest of the name is suggested; enter takes it
        prompt = app.screen.query_one(Input)
        assert await wait_for(pilot, lambda: prompt._suggestion == f"{folder}/ann-lee.docx")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.screen.query("#field-name") and field(app, "name") == "Ann Lee")
        assert (field(app, "email"), field(app, "phone")) == ("ann.lee@example.com", "07700 900123")
        assert "Read from ann-lee.docx" in str(app.screen.query_one("#form-intro").render())
        assert app.screen.focused is app.screen.query_one("#field-name")
        await pilot.press("end", *"-Smith", "ctrl+s")
        assert await wait_for(pilot, lambda: [c.name for c in store.repo("candidates").list()] == ["Ann Lee-Smith"])
        ann = store.repo("candidates").get(1)
        assert (ann.email, ann.phone, ann.cv_path.startswith("cvs/")) == ("ann.lee@example.com", "+447700900123", True)
        assert await wait_for(pilot, lambda: shown(app, "Ann Lee-Smith"))


async def test_a_folder_of_cvs_by_keys_says_what_became_of_each_file(make_app, store, tmp_path):
    store.repo("positions").add(Position(title="Bookkeeper"))
    folder = tmp_path / "cvs"
    folder.mkdir()
    write_pdf(folder / "cv-07.pdf", ANN)
    write_odt(folder / "cv-09.odt", ["Ann Lee", "ann.lee@example.com", "A newer CV"])
    (folder / "cv-11.pdf").write_bytes(b"%PDF-1.4 nothing more")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "I", *str(folder), "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, TextModal))
        report = app.screen.query_one("#text-body").text.splitlines()
        assert report == ["cv-07.pdf: Ann Lee, new (#1)", "cv-09.odt: merged into #1 Ann Lee (same e-mail)",
                          "cv-11.pdf: not a PDF that can be read (damaged or cut short?)"]
        assert "1 new, 1 merged, 1 not read" in str(app.screen.query_one(".intro").render())
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: shown(app, "Ann Lee"))
        assert store.repo("candidates").get(1).cv_text.endswith("A newer CV")
