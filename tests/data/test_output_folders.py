"""Files made for people — orders for suppliers, service-call sheets for vendors — go into the
data folder's exports/ and service-sheets/, made with the office group, so that whoever of the
office writes first, the others write there too. Real accounts, under the README's set-up."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from data.engine.collections import all_collections
from data.engine.store import Store
from data.machines import actions as machines
from data.stock import actions as stock
from tests.data.helpers import ANN, HARRIET, OFFICE_GROUP, Child, needs_accounts, shared_folder


@pytest.fixture
def office():
    needs_accounts()
    base = Path(tempfile.mkdtemp(prefix="backoffice-outputs-"))
    base.chmod(0o755)
    yield shared_folder(base / "office", OFFICE_GROUP)
    shutil.rmtree(base)


def as_account(account, folder: Path, work) -> None:
    """``work(store)`` in a process of the account's own, as it would run the app."""
    all_collections()  # every module loaded first: the account may not read this Python's own files

    def run(report) -> None:
        os.umask(0o002)  # as the README sets up every account
        account.become()
        work(Store(folder, user=account.name))

    status, _ = Child(run).wait()
    assert status == 0


def test_an_order_export_and_a_service_sheet_are_written_by_one_member_and_rewritten_by_another(office):
    def ann_orders_and_exports(store: Store) -> None:
        item = stock.add_item(store, {"name": "Paper", "unit": "ream", "supplier": "Nordic Paper", "reorder_point": 5, "target": 20})
        [order] = stock.draft_orders(store, store.now(), [item.id])
        stock.export_order(store, order.id, "csv")
        machine = store.repo("machines").add({"asset_tag": "CP-01", "kind": "copier", "serial": "S1"})
        ticket = machines.report_fault(store, machine.id, "paper_jam")
        store.repo("tickets").update(ticket.id, lambda t: setattr(t, "service_sheet", "Call PrintFix: jam in tray 2"))
        machines.export_service_sheet(store, ticket.id)

    def harriet_exports_again(store: Store) -> None:
        stock.export_order(store, 1, "email")
        stock.export_order(store, 1, "csv")  # Ann's file, written again
        machines.export_service_sheet(store, 1)

    as_account(ANN, office, ann_orders_and_exports)
    as_account(HARRIET, office, harriet_exports_again)

    exports, sheets = office / "exports", office / "service-sheets"
    for folder in (exports, sheets):
        info = folder.stat()
        assert (info.st_gid, stat.S_IMODE(info.st_mode)) == (OFFICE_GROUP, 0o2770), folder
    assert sorted(p.name for p in exports.iterdir()) == ["order-1-nordic-paper.csv", "order-1-nordic-paper.txt"]
    assert (sheets / "CP-01-ticket-1.txt").read_text() == "Call PrintFix: jam in tray 2"
    assert all(p.stat().st_gid == OFFICE_GROUP for p in [*exports.iterdir(), *sheets.iterdir()])


def test_the_settings_may_name_other_folders(tmp_path):
    from tui.office import open_office
    from tui.settings import Settings

    store = open_office(Settings(data=tmp_path / "office", exports=tmp_path / "for-suppliers"), create=True)
    assert store.output_folder("exports") == tmp_path / "for-suppliers"
    assert store.output_folder("service-sheets") == tmp_path / "office" / "service-sheets"
