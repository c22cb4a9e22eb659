"""Nothing typed is lost: a call slip, a reply, a note keep a draft while they are typed, and the
next session offers it back — in Pilot, and in a real terminal whose process is killed."""

from __future__ import annotations

import os
import signal
import sys
import time

from data.calls.models import Call
from data.engine.drafts import DRAFTS, DraftKey, draft_of, drafts_of, keep, new_ref
from data.engine.store import Store
from tests.data.test_mail import message, user_of
from tests.hostile import PAYLOAD, SHOWN_PAYLOAD
from tests.servers import deliver
from tests.tui.conftest import SIZE
from tests.tui.test_calls import notices
from tests.tui.test_mail_tab import mail_rows
from tests.tui.test_real_terminal import CTRL_Q, ENTER, Terminal
from tests.tui.test_shell import wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings
from tui.widgets.dialogs import ConfirmModal, ErrorModal
from tui.widgets.draft_offer import DraftOffer
from tui.widgets.entry_form import EntryForm
from tui.widgets.prompt import PromptModal

KEPT_WITHIN = 10.0  # a draft is written at most every two seconds; the rest is room for a loaded machine


def offer_text(app) -> str:
    return str(app.screen.query_one("#draft-offer").render())


async def test_a_call_slip_keeps_a_draft_as_it_is_typed_and_saving_it_throws_the_draft_away(store):
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", *"020 7946 0000", "tab", *"Janet Moore", "tab", "tab", "tab", "tab", *"Wants the invoice")
        assert await wait_for(pilot, lambda: len(drafts_of(store)) == 1, seconds=KEPT_WITHIN)
        await pilot.press(*" again")
        assert await wait_for(pilot, lambda: drafts_of(store)[0].values.get("message") == "Wants the invoice again",
                              seconds=KEPT_WITHIN)
        [draft] = drafts_of(store)
        assert draft.key.kind == "call-slip" and draft.values["caller"] == "Janet Moore"
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: store.repo("calls").list() != [])
        assert await wait_for(pilot, lambda: drafts_of(store) == [])


async def test_throwing_away_what_was_typed_throws_away_its_draft_too(store):
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "tab", *"Janet Moore")
        assert await wait_for(pilot, lambda: len(drafts_of(store)) == 1, seconds=KEPT_WITHIN)
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        assert drafts_of(store) == []


async def test_a_form_closed_by_quitting_keeps_its_draft_at_once(store):
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "tab", *"Janet Moore")
        await pilot.press("ctrl+q")  # before the two seconds are up
    [draft] = drafts_of(store)
    assert draft.values == {"caller": "Janet Moore"}


async def test_a_draft_is_offered_at_start_inert_and_continued_on_its_record(store):
    call = store.repo("calls").add(Call(caller="Janet [b]Moore[/b]", message="Invoice 4471"))
    # What the offer quotes may come from stored text that passed no gate (a hand edit).
    key = DraftKey("call-note", f"calls:{call.id}", f"a note on the call from Janet {PAYLOAD}")
    keep(store, key, {"text": "[b]promised[/b] a copy today"})
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer))
        shown = offer_text(app)
        assert f"You were writing a note on the call from Janet {SHOWN_PAYLOAD}" in shown
        assert "when the session ended" in shown
        assert "[b]promised[/b] a copy today" in shown
        assert "\x1b" not in shown
        await pilot.press("enter")  # continue
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        assert app.current_mode == "calls"
        typed = app.screen.query_one("#prompt-input").value
        assert "[b]promised[/b] a copy" in typed
        await pilot.press("end", *" (sent)", "enter")
        assert await wait_for(pilot, lambda: store.repo("calls").get(call.id).history[-1].note.endswith("(sent)"))
    assert drafts_of(store) == []


async def test_a_draft_thrown_away_at_the_offer_is_gone_and_one_left_for_later_is_offered_again(store):
    keep(store, DraftKey("call-slip", new_ref(), "a call slip"), {"caller": "Janet Moore"})
    keep(store, DraftKey("call-slip", new_ref(), "a call slip"), {"caller": "Raj Patel"})
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer))
        first = "Janet Moore" in offer_text(app)
        await pilot.press("down", "enter")  # throw it away
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer) and ("Janet Moore" in offer_text(app)) != first)
        await pilot.press("escape")  # decide next time
        assert await wait_for(pilot, lambda: len(drafts_of(store)) == 1)
    [left] = drafts_of(store)
    assert left.values["caller"] == ("Raj Patel" if first else "Janet Moore")


async def test_a_reply_keeps_its_draft_and_one_from_hrs_mailbox_only_under_hr(store, dovecot, mail_table, smtp):
    deliver(dovecot, user_of(mail_table), message(1, subject="Toner for CP-01"))
    app = BackOfficeApp(store, Settings(fax_command="", mail={"jobs": {**mail_table, "hr": True}}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "right_square_bracket")
        assert await wait_for(pilot, lambda: len(mail_rows(app)) == 1, seconds=15)
        await pilot.press("r")
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm))
        await pilot.press(*"SECRET-HR-REPLY about the toner")
        assert await wait_for(pilot, lambda: len(drafts_of(store)) == 1, seconds=KEPT_WITHIN)
    [draft] = drafts_of(store)
    assert draft.key.kind == "mail-reply" and draft.key.hr and draft.key.about.startswith("a reply to ")
    holding = [os.path.join(d, f) for d, _, files in os.walk(store.folder) for f in files
               if b"SECRET-HR-REPLY" in open(os.path.join(d, f), "rb").read()]
    assert [os.path.relpath(p, store.folder).split(os.sep)[:3] for p in holding] == [["hr", DRAFTS, store.user]]

    app = BackOfficeApp(store, Settings(fax_command="", mail={"jobs": {**mail_table, "hr": True}}))
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer), seconds=10)
        assert "You were writing a reply to " in offer_text(app)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, EntryForm), seconds=10)
        assert app.screen.values()["text"] == "SECRET-HR-REPLY about the toner"
        assert app.screen.heading == "Re: Toner for CP-01"


def kept(folder, text: str) -> bool:
    return any(text in p.read_text() for p in (folder / DRAFTS).rglob("*.json"))


def test_a_draft_survives_killing_the_sessions_terminal_and_is_offered_back(tmp_path):
    """A real process in a real terminal: a call slip half typed, the process killed as a
    dropped SSH link would leave it, and the next start offers the text back."""
    folder = tmp_path / "office"
    env = {**os.environ, "TERM": "xterm-256color", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "BACKOFFICE_FAX_COMMAND": ""}
    env.pop("TEXTUAL_ANIMATIONS", None)
    args = [sys.executable, "-m", "tui.cli", "--data", str(folder)]
    first = Terminal(args, env)
    try:
        first.started()
        first.press("c")
        first.press("\t", "Janet Moore", "\t\t\t\t", "Wants the invoice before Friday")
        deadline = time.monotonic() + KEPT_WITHIN + 5
        while not kept(folder, "before Friday") and time.monotonic() < deadline:
            first.read_until_quiet(0.3, limit=1)
        assert kept(folder, "before Friday")
        os.killpg(first.process.pid, signal.SIGKILL)  # the terminal goes, and the app with it
        first.process.wait(10)
    finally:
        if first.process.poll() is None:
            os.killpg(first.process.pid, signal.SIGKILL)
        os.close(first.master)

    again = Terminal(args, env)
    try:
        again.started()
        again.read_until_quiet(1.0)
        screen = again.output.decode(errors="replace")
        assert "You were writing a call slip" in screen and "when the session ended" in screen
        again.output.clear()
        again.press(ENTER)  # continue
        again.read_until_quiet(1.0)
        assert b"Wants the invoice before Friday" in again.output
        assert b"Janet Moore" in again.output
    finally:
        again.press(CTRL_Q)
        if again.process.poll() is None:
            os.killpg(again.process.pid, signal.SIGKILL)
        os.close(again.master)


async def test_a_draft_left_for_later_comes_back_when_its_form_is_opened_again(store):
    call = store.repo("calls").add(Call(caller="Janet Moore", message="Invoice 4471"))
    keep(store, DraftKey("call-note", f"calls:{call.id}", "a note on the call from Janet Moore"), {"text": "Rang back"})
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer))
        await pilot.press("escape")  # decide next time
        await pilot.press("1")
        assert await wait_for(pilot, lambda: app.screen.query("#queue") and app.screen.selected_call() is not None)
        await pilot.press("t")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal)
                              and app.screen.query_one("#prompt-input").value == "Rang back")
        assert "Your draft of a note on the call from Janet Moore is back, as you left it." in notices(app)
        await pilot.press("escape")  # asks: what is there was typed
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n", *", no answer", "enter")
        assert await wait_for(pilot, lambda: store.repo("calls").get(call.id).history[-1].note == "Rang back, no answer")
    assert drafts_of(store) == []


async def test_opening_and_closing_a_form_without_typing_leaves_a_draft_left_for_later_alone(store, monkeypatch):
    import tui.widgets.drafting

    def slow_disk(*args):
        time.sleep(1)  # the form is closed before its draft is read
        return draft_of(*args)

    monkeypatch.setattr(tui.widgets.drafting, "draft_of", slow_disk)
    call = store.repo("calls").add(Call(caller="Janet Moore", message="Invoice 4471"))
    keep(store, DraftKey("call-note", f"calls:{call.id}", "a note on the call from Janet Moore"), {"text": "Rang back"})
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer))
        await pilot.press("escape", "1")
        assert await wait_for(pilot, lambda: app.screen.query("#queue") and app.screen.selected_call() is not None)
        await pilot.press("t", "escape")
        assert not isinstance(app.screen, ConfirmModal)
        await pilot.pause(1.5)
    assert [d.values for d in drafts_of(store)] == [{"text": "Rang back"}]


async def test_two_drafts_continued_open_one_after_the_other_and_both_are_saved(store):
    janet = store.repo("calls").add(Call(caller="Janet Moore", message="Invoice 4471"))
    raj = store.repo("calls").add(Call(caller="Raj Patel", message="Toner"))
    keep(store, DraftKey("call-note", f"calls:{janet.id}", "a note on the call from Janet Moore"), {"text": "Rang back"})
    keep(store, DraftKey("call-note", f"calls:{raj.id}", "a note on the call from Raj Patel"), {"text": "Toner sent"})
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2):
            assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer))
            await pilot.press("enter")  # continue
        for saved in (1, 2):
            assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
            await pilot.press(*" today", "enter")
            assert await wait_for(pilot, lambda saved=saved: len(notes_today(store)) == saved)
        assert sorted(notes_today(store)) == ["Rang back today", "Toner sent today"]
    assert drafts_of(store) == []


def notes_today(store) -> list[str]:
    return [step.note for call in store.repo("calls").list() for step in call.history if step.note.endswith("today")]


async def test_a_note_that_cannot_be_saved_keeps_its_text_as_a_draft(store):
    call = store.repo("calls").add(Call(caller="Janet Moore", message="Invoice 4471"))
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert await wait_for(pilot, lambda: app.screen.query("#queue") and app.screen.selected_call() is not None)
        await pilot.press("t", *"Promised a copy by Friday")
        store.repo("calls").delete(call.id)  # a colleague's session removed it meanwhile
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ErrorModal))
        await pilot.pause(0.5)
    [draft] = drafts_of(store)
    assert draft.values == {"text": "Promised a copy by Friday"}


async def test_a_note_on_a_message_that_cannot_be_saved_keeps_its_text_and_one_saved_throws_it_away(store, dovecot, mail_table):
    deliver(dovecot, user_of(mail_table), message(1, subject="Toner for CP-01"))
    deliver(dovecot, user_of(mail_table), message(2, subject="Paper for CP-02"))
    app = BackOfficeApp(store, Settings(fax_command="", mail={"jobs": mail_table}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "right_square_bracket")
        assert await wait_for(pilot, lambda: len(mail_rows(app)) == 2, seconds=15)
        await pilot.press("t", *"Ordered two boxes")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        [chosen] = [m for m in store.repo("mail").list() if m.subject in app.screen.draft_key.about]
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: "Ordered two boxes" in [s.note for s in store.repo("mail").get(chosen.id).history])
        assert await wait_for(pilot, lambda: drafts_of(store) == [])
        await pilot.press("t", *"Asked for a quote")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        store.repo("mail").delete(chosen.id)  # a colleague's session removed it meanwhile
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ErrorModal))
        await pilot.pause(0.5)
    [draft] = drafts_of(store)
    assert draft.values == {"text": "Asked for a quote"} and draft.key.kind == "mail-note"


async def test_a_draft_on_a_record_no_longer_there_is_shown_once_more_and_thrown_away_even_by_escape(store):
    call = store.repo("calls").add(Call(caller="Janet Moore", message="Invoice 4471"))
    keep(store, DraftKey("call-note", f"calls:{call.id}", "a note on the call from Janet Moore"), {"text": "Rang back"})
    store.repo("calls").delete(call.id)  # erased, or archived, since
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer))
        shown = offer_text(app)
        assert "Rang back" in shown and "no longer there" in shown
        assert [o.id for o in app.screen.query_one("OptionList").options] == ["throw away"]
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: drafts_of(store) == [])
        assert ("Your draft of a note on the call from Janet Moore is thrown away: what it was on is no longer there."
                in notices(app))


async def test_a_draft_about_a_very_long_subject_still_shows_its_choices_at_80x24(store):
    keep(store, DraftKey("mail-new", new_ref(), "a reply to " + "Re: " * 250), {"text": "Dear Alice"})
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer))
        await pilot.pause(0.2)
        choices = app.screen.query_one("OptionList")
        assert choices.region.height >= 2 and choices.region.bottom <= SIZE[1]
        assert "Dear Alice" in offer_text(app)


async def test_a_draft_of_the_same_form_open_in_another_session_is_not_put_back_here(store):
    from tests.data.helpers import Child

    call = store.repo("calls").add(Call(caller="Janet Moore", message="Invoice 4471"))
    key = DraftKey("call-note", f"calls:{call.id}", "a note on the call from Janet Moore")

    def other_session(report) -> None:  # the same person over a second SSH link, still typing
        keep(Store(store.folder, user=store.user), key, {"text": "still typing"})
        report("kept")
        time.sleep(60)

    child = Child(other_session)
    try:
        assert child.next_report() == "kept"
        app = BackOfficeApp(store, Settings(fax_command=""))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("1")
            assert await wait_for(pilot, lambda: app.screen.query("#queue") and app.screen.selected_call() is not None)
            await pilot.press("t")
            assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
            await pilot.pause(1.0)
            assert app.screen.query_one("#prompt-input").value == ""
    finally:
        child.kill()
        child.wait()


async def test_a_note_continued_and_emptied_leaves_no_draft_behind(store):
    call = store.repo("calls").add(Call(caller="Janet Moore", message="Invoice 4471"))
    keep(store, DraftKey("call-note", f"calls:{call.id}", "a note on the call from Janet Moore"), {"text": "Rang back"})
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer))
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*["backspace"] * 9, "space", "enter")  # nothing left to say
        assert await wait_for(pilot, lambda: not isinstance(app.screen, PromptModal))
    assert drafts_of(store) == []


async def test_a_continued_draft_that_cannot_open_is_said_and_kept_and_the_next_one_opens(store):
    call = store.repo("calls").add(Call(caller="Janet Moore", message="Invoice 4471"))
    keep(store, DraftKey("an-unknown-form", new_ref(), "a form of a later version"), {"text": "Kept"})
    keep(store, DraftKey("call-note", f"calls:{call.id}", "a note on the call from Janet Moore"), {"text": "Rang back"})
    app = BackOfficeApp(store, Settings(fax_command=""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for _ in range(2):  # the unknown one first (drafts of one moment come in the order of their files)
            assert await wait_for(pilot, lambda: isinstance(app.screen, DraftOffer))
            await pilot.press("enter")  # continue
        assert await wait_for(pilot, lambda: isinstance(app.screen, PromptModal))
        assert "A draft of a form of a later version cannot be opened by this version; it is kept." in notices(app)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: store.repo("calls").get(call.id).history[-1].note == "Rang back")
    assert [d.key.about for d in drafts_of(store)] == ["a form of a later version"]
