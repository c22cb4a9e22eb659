"""Received faxes used by key, against a real HylaFAX server (and Dovecot and aiosmtpd for the
mail): `v` shows one, `P` prints it, `p` e-mails it to the colleague as a PDF or says at once
why they were not told; the new fax form fills from the directory and counts a PDF's pages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from data.calls import actions
from data.calls.models import Contact, FaxStatus
from tests.data.test_fax_handoffs import pdf_pages
from tests.data.test_mail_handoffs import attached
from tests.fax_server import PAGE
from tests.tui.conftest import SIZE
from tests.tui.test_faxes_tab import open_faxes
from tests.tui.test_shell import wait_for
from tui.app import BackOfficeApp
from tui.settings import Settings

HOSTILE_SENDER = "ACME \x1b[31mSALES [b]bold[/b]"


def fax_in(store, hylafax, sender: str = "+44 20 7946 0001", pages: int = 2):
    hylafax.receive(sender, pages=pages)
    (fax,) = actions.take_in_received_faxes(store, hylafax.address)
    return fax


def dialog_says(app) -> str:
    return str(app.screen.query_one("#dialog-message").render())


async def test_v_shows_who_sent_a_fax_its_pages_that_it_is_an_image_and_where_its_pdf_is(store, hylafax):
    fax = fax_in(store, hylafax, sender=HOSTILE_SENDER, pages=2)
    app = BackOfficeApp(store, Settings(fax_command="", fax_server=""))
    async with app.run_test(size=SIZE) as pilot:
        await open_faxes(pilot)
        await pilot.press("v")
        assert await wait_for(pilot, lambda: bool(app.screen.query("#text-body")))
        text = app.screen.query_one("#text-body", TextArea).text
        assert "From ACME ?[31mSALES [b]bold[/b]" in text  # the escape made visible, the markup as typed
        assert "2 page(s); received" in text
        if not shutil.which("tesseract"):
            assert "The fax is an image of 2 page(s). No text reader (tesseract) is installed here" in text
        pdf = store.folder / "faxes-in" / f"{fax.received_file.removesuffix('.tif')}.pdf"
        assert f"As a PDF: {pdf}" in str(app.screen.query_one(".intro").render())
        assert pdf.read_bytes().startswith(b"%PDF")
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not app.screen.query("#text-body"))


async def test_P_prints_the_fax_with_the_print_command_and_a_failing_printer_is_a_sentence(store, hylafax, tmp_path):
    fax = fax_in(store, hylafax, pages=2)
    printed = tmp_path / "printed.pdf"
    copy = f"'{sys.executable}' -c 'import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])' {{file}} '{printed}'"
    app = BackOfficeApp(store, Settings(fax_command="", fax_server="", print_command=copy))
    async with app.run_test(size=SIZE) as pilot:
        await open_faxes(pilot)
        await pilot.press("P")
        assert await wait_for(pilot, lambda: store.repo("faxes").get(fax.id).attempts[-1:] != [] and printed.exists())
        assert pdf_pages(printed.read_bytes(), tmp_path) == 2
        assert store.repo("faxes").get(fax.id).attempts[-1].action == "printed"

        app.settings.print_command = f"'{sys.executable}' -c 'import sys; sys.exit(\"lp: Error - no default destination available.\")'"
        await pilot.press("P")
        assert await wait_for(pilot, lambda: bool(app.screen.query("#dialog-message")))
        assert "failed: lp: Error - no default destination available" in dialog_says(app)


async def test_p_emails_the_fax_to_the_colleague_as_a_pdf_and_says_so(store, hylafax, dovecot, mail_table, smtp, tmp_path):
    store.repo("contacts").add(Contact(name="Ann Lee", email="ann@office.example"))
    fax = fax_in(store, hylafax, pages=2)
    app = BackOfficeApp(store, Settings(fax_command="", fax_server="", mail=mail_table))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_faxes(pilot)
        await pilot.press("p", *"Ann Lee", "enter")
        assert await wait_for(pilot, lambda: any("e-mailed to ann@office.example as a PDF" in n.message
                                                 for n in app._notifications), seconds=20)
    assert store.repo("faxes").get(fax.id).status == FaxStatus.PASSED_ON
    assert smtp.envelopes[-1] == ["ann@office.example"]
    [(name, pdf)] = attached(smtp.messages[-1]).items()
    assert name.endswith(".pdf") and pdf_pages(pdf, tmp_path) == 2


async def test_p_to_a_colleague_without_an_address_says_so_at_once(store, hylafax, dovecot, mail_table, smtp):
    store.repo("contacts").add(Contact(name="Tom Hall"))
    fax = fax_in(store, hylafax)
    app = BackOfficeApp(store, Settings(fax_command="", fax_server="", mail=mail_table))
    async with app.run_test(size=SIZE) as pilot:
        await open_faxes(pilot)
        await pilot.press("p", *"Tom Hall", "enter")
        assert await wait_for(pilot, lambda: bool(app.screen.query("#dialog-message")), seconds=10)
        assert "Passed on to Tom Hall. Tom Hall has no e-mail address in the directory" in dialog_says(app)
    assert store.repo("faxes").get(fax.id).passed_to == "Tom Hall"
    assert smtp.messages == []


@pytest.fixture
def two_page_pdf(tmp_path) -> Path:
    document = tmp_path / "lease.pdf"
    source = tmp_path / "lease.ps"
    source.write_bytes(PAGE + PAGE)
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", f"-sOutputFile={document}", str(source)],
                   check=True, capture_output=True)
    return document


async def test_the_new_fax_form_fills_number_and_company_from_the_directory_and_counts_the_pages(store, two_page_pdf):
    store.repo("contacts").add(Contact(name="Grace Okafor", kind="outside", company="Okafor Legal", fax_number="020 7946 0555"))
    document = two_page_pdf
    app = BackOfficeApp(store, Settings(fax_command="", fax_server=""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("right_square_bracket", "right_square_bracket", "n")
        assert await wait_for(pilot, lambda: bool(app.screen.query("#field-recipient")))
        await pilot.pause(0.3)  # the directory is read
        await pilot.press(*"gra", "right")
        field = lambda name: app.screen.query_one(f"#field-{name}", Input).value
        assert await wait_for(pilot, lambda: field("recipient") == "Grace Okafor")
        assert (field("fax_number"), field("company")) == ("020 7946 0555", "Okafor Legal")
        await pilot.press("tab", "tab")
        await pilot.press(*str(document))
        assert await wait_for(pilot, lambda: field("pages") == "2")
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: len(store.repo("faxes").list()) == 1)
    [fax] = store.repo("faxes").list()
    assert (fax.recipient, fax.fax_number, fax.company, fax.pages) == ("Grace Okafor", "+442079460555", "Okafor Legal", 2)


async def test_the_dashboard_names_faxes_received_and_those_waiting_or_held_at_the_server(store, hylafax):
    fax_in(store, hylafax)
    app = BackOfficeApp(store, Settings(fax_command="", fax_server=""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("0")
        screen_text = lambda: "\n".join(str(o.prompt) for o in app.screen.query_one("#agenda").options)
        assert await wait_for(pilot, lambda: "Faxes received, not dealt with" in screen_text())
        assert "1  Faxes received, not dealt with" in screen_text()
        assert "from 020 7946 0001, 2 page(s) — received" in screen_text()
        assert "0  Faxes waiting to go or held at the fax server" in screen_text()




async def test_a_received_fax_with_hostile_text_in_every_field_reads_inert_on_the_dashboard_and_in_v(store, hylafax):
    import orjson

    from data.calls.models import Fax
    from tests.hostile import SHOWN_PAYLOAD, Tags, poison
    from tests.tui.test_hostile_text import Tour

    fax = fax_in(store, hylafax)
    actions.pass_on_fax(store, fax.id, "Tom", "the lease")  # a step, to poison too
    path = store.folder / "calls.json"
    data = orjson.loads(path.read_bytes())
    tags = Tags()
    doc = data["faxes"][str(fax.id)]
    poison(doc, Fax, "faxes", tags)
    doc["document"] = fax.document  # the one field that must still name its file
    path.write_bytes(orjson.dumps(data))

    app = BackOfficeApp(store, Settings(fax_command="", fax_server=""))
    async with app.run_test(size=SIZE) as pilot:
        tour = Tour(pilot, tags)
        dashboard = await tour.see("dashboard", "0")
        assert "faxes.sender" in tour.views["dashboard"] and SHOWN_PAYLOAD in dashboard
        await tour.see("faxes", "1")
        await pilot.press("right_square_bracket", "right_square_bracket")
        await tour.see("faxes tab")
        await tour.see("fax read", "v")
        assert {"faxes.sender", "faxes.passed_to"} <= tour.views["fax read"]
        text = app.screen.query_one("#text-body", TextArea).text
        assert SHOWN_PAYLOAD in text and "\x1b" not in text
