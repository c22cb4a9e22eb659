"""Machines: the status board, one machine's page, a fault and its repair (its dialogs: fault_dialogs)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date, datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Sparkline, Static

from data.addresses import readable_number
from data.engine.clock import local
from data.engine.record import Record
from data.engine.states import words
from data.machines import actions, forecasts, rules
from data.machines.actions import FIXED, NOT_FIXED
from data.machines.forecasts import MaintenanceDue, Reliability, TonerForecast
from data.machines.models import Machine, MachineKind, MachineStatus, MeterReading, SupplyLevel, Ticket, TicketStatus
from data.machines.supply_levels import is_low, short_label
from data.machines.troubleshooting import Symptom, checklist, symptom_words, symptoms_for
from data.machines.views import STATUS_ORDER, Board, BoardRow, MachinePage, board_view, machine_page
from screens.base import SectionScreen
from screens.fault_dialogs import ChecklistModal, SheetModal, ticket_so_far
from tui.jobs import Reply
from tui.plain import inert
from tui.widgets.dialogs import ChoiceModal, ConfirmModal
from tui.widgets.key_bar import KeyBar
from tui.widgets.model_form import FormEdit, ModelForm, saving_to
from tui.widgets.prompt import PromptModal
from tui.widgets.record_table import RecordTable
from tui.widgets.section_bar import SectionBar
from tui.widgets.steady import refill

STATUS_LOOK = {
    MachineStatus.DOWN: ("DOWN", "bold red"),
    MachineStatus.NEEDS_ATTENTION: ("attention", "yellow"),
    MachineStatus.OK: ("ok", "green"),
    MachineStatus.RETIRED: ("retired", "dim"),
}

# The counters a meter-reading form asks for; the others stay empty.
COUNTERS_OF_KIND = {
    MachineKind.COPIER: ("total", "mono", "colour", "scans"),
    MachineKind.PRINTER: ("total", "mono", "colour"),
    MachineKind.FAX: ("total", "faxes"),
    MachineKind.SCANNER: ("total", "scans"),
    MachineKind.MULTIFUNCTION: ("total", "mono", "colour", "scans", "faxes"),
}


# -- cells and lines ---------------------------------------------------------------------


def status_cell(status: MachineStatus) -> Text:
    said, style = STATUS_LOOK[status]
    return Text(said, style=style)


def board_status_cell(machine: Machine) -> Text:
    """The status people set, and what the machine says when that is worse: a suggestion."""
    cell = status_cell(machine.status)
    if says_worse(machine):
        cell.append(" ▸ ").append_text(status_cell(machine.reported_status))  # type: ignore[arg-type]
    elif machine.polled_at is not None and machine.reported_status is None:
        cell.append(" ▸ ?", style="yellow")  # it did not answer
    return cell


def says_worse(machine: Machine) -> bool:
    reported = machine.reported_status
    return (reported is not None and machine.status != MachineStatus.RETIRED
            and STATUS_ORDER[reported] < STATUS_ORDER[machine.status])


def retired_line(machine: Machine) -> Text:
    when = f" on {machine.retired_on:%d %b %Y}" if machine.retired_on else ""
    return Text(f"Retired{when}: {machine.retired_reason or 'no reason given'} — R brings it back into service", style="dim")


def reported_line(machine: Machine, levels: list[SupplyLevel]) -> Text:
    """What the machine said when last polled: its state and supply levels, low ones marked."""
    if machine.status == MachineStatus.RETIRED:
        return retired_line(machine)
    if machine.polled_at is None:
        return Text("Not read over the network" + ("" if machine.snmp or machine.ipp else ": no SNMP or IPP address (e edits it)"), style="dim")
    text = Text(f"Says at {local(machine.polled_at):%d %b %H:%M}: ")
    text.append(machine.reported, style="bold red" if says_worse(machine) else "")
    for level in levels:
        text.append(" · ")
        text.append(short_label(level), style="bold yellow" if is_low(level) else "")
    if says_worse(machine):
        text.append(" — f reports the fault", style="bold")
    return text


def number(value: float | None) -> Text:
    return Text("" if value is None else f"{value:,.0f}", justify="right")


def maintenance_cell(due: MaintenanceDue | None) -> Text:
    if due is None or (due.due_on is None and not due.is_due):
        return Text("")
    if due.is_due:
        return Text("DUE", style="bold red")
    return Text(f"{due.due_on:%d %b}")


def hours(span: timedelta) -> str:
    total = int(span.total_seconds() // 3600)
    return f"{total}h" if total < 48 else f"{total // 24}d"


def vendor_line(machine: Machine, today: date) -> str:
    vendor = " ".join(p for p in (machine.vendor, readable_number(machine.vendor_phone)) if p) or "no service vendor"
    return f"{vendor} · {rules.cover_words(machine, today)}"


def machine_line(machine: Machine, today: date) -> Text:
    where = machine.location or "no location"
    return Text(f"{where} · serial {machine.serial} · {vendor_line(machine, today)}", style="dim")


def ticket_line(ticket: Ticket, now: datetime) -> Text:
    text = Text(f"{symptom_words(ticket.symptom)}: {words(ticket.status)}, reported {local(ticket.opened_at):%d %b %H:%M}")
    if ticket.vendor_reference:
        text.append(f", ref {ticket.vendor_reference}")
    text.append(f", {hours(rules.downtime(ticket, now))} so far")
    return text


def service_line(due: MaintenanceDue | None) -> Text:
    if due is None:
        return Text("Service: no plan")
    text = Text("Service ")
    if due.is_due:
        text.append("DUE", style="bold red")
    elif due.due_on:
        text.append(f"{due.due_on:%d %b %Y} by {due.due_by.value}")
    elif due.pages_left is not None:
        text.append(f"in {due.pages_left:,} pages")
    return text.append(f": {due.plan.task}")


def toner_line(toner: list[TonerForecast], today: date) -> Text:
    if not toner:
        return Text("Toner: none issued to it yet")
    soonest = toner[0]
    text = Text("Toner ")
    if soonest.runs_out_on:
        late = soonest.runs_out_on <= today
        text.append(f"out {'by' if late else 'about'} {soonest.runs_out_on:%d %b}", style="bold red" if late else "")
        text.append(" · ")
    if soonest.pages_per_cartridge:
        text.append(f"{soonest.pages_per_cartridge:,.0f} pages each · ")
    return text.append(soonest.item_name)


def reliability_line(figures: Reliability) -> Text:
    mtbf = f"{figures.mtbf_days:.0f} days" if figures.mtbf_days is not None else "—"
    mttr = f"{figures.mttr_hours:.1f} h" if figures.mttr_hours is not None else "—"
    return Text(f"Failures {figures.failures} · MTBF {mtbf} · MTTR {mttr}")


def reading_row(reading: MeterReading) -> tuple[int, list]:
    """A reading in the machine's list: a voided one struck through, with who voided it and why."""
    if reading.is_void:
        struck = Text(f"{reading.total:,}", style="dim strike", justify="right")
        return reading.id, [f"{reading.taken_on:%d %b %y}", struck, Text(f"void: {reading.void_reason} ({reading.voided_by})", style="dim")]  # type: ignore[return-value]
    return reading.id, [f"{reading.taken_on:%d %b %y}", number(reading.total), "net" if reading.polled else ""]  # type: ignore[return-value]


def ticket_row(ticket: Ticket, now: datetime) -> tuple[int, list]:
    """A ticket on the machine's page: a voided one struck through, with who voided it and why."""
    opened, symptom = f"{local(ticket.opened_at):%d %b}", symptom_words(ticket.symptom)
    if ticket.is_void:
        return ticket.id, [opened, Text(symptom, style="dim strike"), Text(f"void: {ticket.void_reason} ({ticket.voided_by})", style="dim"), "", ""]
    return ticket.id, [opened, symptom, words(ticket.status), hours(rules.downtime(ticket, now)), ticket.vendor_reference]


def board_row(row: BoardRow) -> tuple[int, list]:
    machine, last = row.machine, row.last_reading
    return machine.id, [
        machine.asset_tag, f"{machine.make} {machine.model}".strip()[:22], board_status_cell(machine),
        number(last.total if last else None), f"{last.taken_on:%d %b}" if last else "",
        number(row.per_day), str(row.open_tickets or ""), maintenance_cell(row.next_maintenance),
    ]


# -- what both screens do to a machine ---------------------------------------------------


def sure_on_second_save(save: Callable[[FormEdit, bool], Record]) -> Callable[[FormEdit], Record]:
    """A reading form's save: a total far above the machine's rate is refused once with the
    reason under the field; saving the same total again means the person is sure."""
    refused: dict[str, int] = {}

    def save_unless_unlikely(edit: FormEdit) -> Record:
        total = edit.record.total  # type: ignore[attr-defined]
        try:
            return save(edit, total == refused.get("total"))
        except actions.UnlikelyReading as error:
            refused["total"] = total
            raise actions.UnlikelyReading("total", f"{error} If it is right, ctrl+s saves it.") from None

    return save_unless_unlikely


class FaultReported(Reply):
    """(the machine, the ticket just opened), to go through its checklist."""


MACHINE_BINDINGS = [
    Binding("r", "reading", "Reading", id="machines.reading", tooltip="Add a meter reading"),
    Binding("f", "fault", "Fault", id="machines.fault", tooltip="Report a fault and go through its checklist"),
    Binding("x", "fix", "Fixed", id="machines.fix", tooltip="A ticket is fixed: vendor reference and cost"),
    Binding("e", "edit", "Edit", show=False, id="machines.edit", tooltip="Edit the machine's details"),
    Binding("R", "retire", "Retire", show=False, id="machines.retire",
            tooltip="Take the machine out of service (kept with its history), or bring a retired one back"),
]


class MachineSection(SectionScreen):
    """The keys that act on the machine under the cursor, on the board and on its page."""

    CSS_PATH = "machines.tcss"
    domains = frozenset({"machines", "stock"})

    def current_machine(self) -> Machine | None:
        raise NotImplementedError

    def open_tickets(self) -> list[Ticket]:
        raise NotImplementedError

    def last_reading(self) -> MeterReading | None:
        raise NotImplementedError

    def chosen_machine(self) -> Machine | None:
        machine = self.current_machine()
        if machine is None:
            self.notify("Choose a machine first.", severity="warning")
        return machine

    def action_new_machine(self) -> None:
        form = ModelForm(Machine, title="New machine", save=saving_to(self.store.repo("machines")))
        self.app.push_screen(form, self.saved)

    def action_edit(self) -> None:
        machine = self.chosen_machine()
        if machine is None:
            return
        repo = self.store.repo("machines")
        form = ModelForm(Machine, title=f"Machine {machine.label()}", record=machine, save=saving_to(repo),
                         reload=lambda: repo.get(machine.id))
        self.app.push_screen(form, self.saved)

    def action_retire(self) -> None:
        machine = self.chosen_machine()
        if machine is None:
            return
        store = self.store
        if machine.status == MachineStatus.RETIRED:
            def bring_back(yes: bool | None) -> None:
                if yes:
                    self.run_job(lambda: actions.return_to_service(store, machine.id), notice=f"{machine.asset_tag} is in service again")

            self.app.push_screen(ConfirmModal(f"Bring {machine.label()} back into service?\n{retired_line(machine).plain}"), bring_back)
            return

        blocked = rules.retire_refusal(machine, [t for t in store.repo("tickets").find(machine_id=machine.id) if t.is_open])
        if blocked:  # said before asking why, not after the reason is typed
            self.notify(blocked, severity="error")
            return

        def retire(reason: str | None) -> None:
            if reason is not None:
                self.run_job(lambda: actions.retire(store, machine.id, reason), notice=f"{machine.asset_tag} retired")

        self.app.push_screen(PromptModal(f"Why is {machine.label()} retired?", placeholder="sold, scrapped, replaced by…",
                                         check=lambda text: None if text.strip() else "Say why the machine is retired."), retire)

    def action_reading(self) -> None:
        machine = self.chosen_machine()
        if machine is None:
            return
        store = self.store
        form = ModelForm(
            MeterReading, title=f"Meter reading — {machine.label()}",
            initial={"machine_id": machine.id, "taken_on": store.today()},
            fields=["taken_on", *COUNTERS_OF_KIND[machine.kind]],
            save=sure_on_second_save(lambda edit, sure: actions.add_reading(store, edit.record, sure=sure)),
        )
        self.app.push_screen(form, lambda r: self.saved(r, f"Reading of {r.total:,} saved" if r else ""))

    # -- a fault: symptom, what was seen, the checklist ------------------------------------
    def action_fault(self) -> None:
        machine = self.chosen_machine()
        if machine is None:
            return
        choices = [(s, symptom_words(s)) for s in symptoms_for(machine.kind)]
        self.app.push_screen(ChoiceModal(f"What is wrong with {machine.label()}?", choices),
                             lambda symptom: symptom and self.ask_detail(machine, Symptom(symptom)))

    def ask_detail(self, machine: Machine, symptom: Symptom) -> None:
        store = self.store

        def report(detail: str | None) -> None:
            if detail is not None:
                self.run_job(lambda: (machine, actions.report_fault(store, machine.id, symptom, detail.strip())), FaultReported)

        prompt = PromptModal(f"{symptom_words(symptom).capitalize()}: what do you see? (enter to skip)",
                             placeholder="the error code, the noise, which tray…")
        self.app.push_screen(prompt, report)

    @on(FaultReported)
    def fault_reported(self, message: FaultReported) -> None:
        message.stop()
        self.reload()
        self.troubleshoot(*message.result)

    def troubleshoot(self, machine: Machine, ticket: Ticket) -> None:
        def finished(answer: tuple[str | None, list[str]]) -> None:
            outcome, tried = answer
            if outcome == NOT_FIXED:
                self.ask_counter(machine, ticket, tried)
            else:
                notice = f"Fixed: the ticket is closed, {machine.asset_tag} is ok" if outcome == FIXED else "Kept; the ticket stays open"
                self.end_checklist(ticket, tried, outcome, notice)

        title = f"{machine.asset_tag}: {symptom_words(ticket.symptom)} — tick what you tried"
        self.app.push_screen(ChecklistModal(title, checklist(machine.kind, ticket.symptom), ticket.steps_tried), finished)

    def ask_counter(self, machine: Machine, ticket: Ticket, tried: list[str]) -> None:
        """Not fixed: the vendor will ask for the counter, so read it off the machine now."""
        store = self.store
        last = self.last_reading()

        def call_vendor(edit: FormEdit, sure: bool) -> Ticket:
            total = edit.record.total  # type: ignore[attr-defined]
            counter = None if last is not None and total == last.total else total
            return actions.end_checklist(store, ticket.id, tried, NOT_FIXED, counter, sure=sure)

        def answered(called: Ticket | None) -> None:
            if called is None:
                self.end_checklist(ticket, tried, None, "Not sent to the vendor; the ticket stays open")
            else:
                self.saved(called, f"{machine.asset_tag} is down: call the vendor")
                self.show_sheet(machine, called)

        form = ModelForm(
            MeterReading, title=f"{machine.asset_tag} not fixed: its counter now, for the vendor", fields=["total"],
            initial={"machine_id": machine.id, "taken_on": store.today(), "total": last.total if last else None},
            save=sure_on_second_save(call_vendor),
        )
        self.app.push_screen(form, answered)

    def end_checklist(self, ticket: Ticket, tried: list[str], outcome: str | None, notice: str) -> None:
        store = self.store
        self.run_job(lambda: actions.end_checklist(store, ticket.id, tried, outcome), notice=notice)

    def show_sheet(self, machine: Machine, ticket: Ticket) -> None:
        store = self.store
        if ticket.service_sheet:
            text, write = ticket.service_sheet, (lambda: actions.export_service_sheet(store, ticket.id))
        else:
            text, write = ticket_so_far(ticket), None
        self.app.push_screen(SheetModal(f"{machine.asset_tag} — ticket {ticket.label()}", text, write))

    # -- the repair ------------------------------------------------------------------------
    def action_fix(self) -> None:
        machine = self.chosen_machine()
        if machine is None:
            return
        tickets = self.open_tickets()
        if not tickets:
            self.notify(f"{machine.asset_tag} has no open ticket.", severity="warning")
        elif len(tickets) == 1:
            self.fix_ticket(machine, tickets[0])
        else:
            by_id = {t.id: t for t in tickets}
            choices = [(t.id, f"{t.label()} ({words(t.status)})") for t in tickets]
            self.app.push_screen(ChoiceModal("Which ticket is fixed?", choices),
                                 lambda chosen: chosen and self.fix_ticket(machine, by_id[chosen]))

    def fix_ticket(self, machine: Machine, ticket: Ticket) -> None:
        store = self.store
        form = ModelForm(
            Ticket, title=f"Fixed: {machine.asset_tag} {ticket.label()}", record=ticket, fields=["vendor_reference", "cost"],
            save=lambda edit: actions.fix(store, ticket.id, edit.record.cost, edit.record.vendor_reference), save_unchanged=True,
        )
        self.app.push_screen(form, lambda t: self.saved(t, f"{machine.asset_tag} {ticket.label()} fixed"))


# -- the board ---------------------------------------------------------------------------


class MachinesScreen(MachineSection):
    BINDINGS = [
        Binding("n", "new_machine", "New", id="machines.new", tooltip="Add a machine"),
        *MACHINE_BINDINGS,
        Binding("enter", "open", "Open", id="machines.open", tooltip="The machine's readings, tickets and figures"),
        Binding("a", "all", "Retired too", show=False, id="machines.all", tooltip="Show retired machines too, or hide them"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: Board | None = None
        self.show_retired = False

    def compose(self) -> ComposeResult:
        yield SectionBar("machines")
        yield RecordTable([("tag", "Tag"), ("machine", "Machine"), ("status", "Status"), ("counter", "Counter"),
                           ("read", "Read"), ("per_day", "/day"), ("tickets", "Tix"), ("service", "Service")], id="board")
        yield Static(id="machine-line")
        yield KeyBar()

    def fetch(self) -> Board:
        return board_view(self.store)

    def show(self, data: Board) -> None:
        self.data = data
        self.query_one("#board", RecordTable).set_rows(board_row(row) for row in self.shown_rows())
        self.update_line()
        self.call_after_refresh(self.update_line)  # a row gone under the cursor moves it only once drawn

    def shown_rows(self) -> list[BoardRow]:
        rows = self.data.rows if self.data else []
        return rows if self.show_retired else [r for r in rows if r.machine.status != MachineStatus.RETIRED]

    def action_all(self) -> None:
        self.show_retired = not self.show_retired
        if self.data is not None:
            self.show(self.data)
        self.notify("Retired machines shown" if self.show_retired else "Retired machines hidden", timeout=2)

    def selected_row(self) -> BoardRow | None:
        return self.data.row(self.query_one("#board", RecordTable).selected_key) if self.data else None

    def current_machine(self) -> Machine | None:
        row = self.selected_row()
        return row.machine if row else None

    def open_tickets(self) -> list[Ticket]:
        machine = self.current_machine()
        return self.data.open_tickets(machine.id) if machine and self.data else []

    def last_reading(self) -> MeterReading | None:
        row = self.selected_row()
        return row.last_reading if row else None

    @on(DataTable.RowHighlighted)
    def update_line(self) -> None:
        machine = self.current_machine()
        line = Text()
        if self.data is not None and not self.shown_rows():
            line = Text("No machines in service: a shows the retired ones." if self.data.rows else "No machines yet: n adds one.")
        elif machine is not None and self.data is not None:
            line = machine_line(machine, local(self.data.now).date())
            if machine.status == MachineStatus.RETIRED:
                line.append("\n").append_text(retired_line(machine))
            elif machine.polled_at is not None:
                line.append("\n").append_text(reported_line(machine, []))
            for ticket in self.data.open_tickets(machine.id):
                line.append("\n")
                line.append_text(ticket_line(ticket, self.data.now))
        refill(self.query_one("#machine-line", Static), inert(line))

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        machine = self.chosen_machine()
        if machine is not None:
            self.app.push_screen(MachineScreen(machine.id))

    def select_record(self, collection: str, record_id: int) -> bool:
        if self.data is None or collection not in ("machines", "tickets"):
            return False
        if collection == "tickets":
            ticket = next((t for t in self.data.tickets if t.id == record_id), None)
            if ticket is None:
                return False
            record_id = ticket.machine_id
        row = self.data.row(record_id)
        if row is not None and row.machine.status == MachineStatus.RETIRED and not self.show_retired:
            self.action_all()  # a retired machine asked for by name is shown
        board = self.query_one("#board", RecordTable)
        if not board.select_key(record_id):
            return False
        board.focus()
        if collection == "tickets":
            self.app.push_screen(MachineScreen(record_id))
        return True


# -- one machine -------------------------------------------------------------------------


class MachineScreen(MachineSection):
    BINDINGS = [
        Binding("escape", "back", "Board", show=False, id="machine.back", tooltip="Back to the board of machines"),
        *MACHINE_BINDINGS,
        Binding("t", "checklist", "Checklist", id="machine.checklist", tooltip="Go on with the ticket's checklist"),
        Binding("s", "sheet", "Sheet", id="machine.sheet", tooltip="The ticket's service-call sheet"),
        Binding("m", "maintenance_done", "Serviced", show=False, id="machine.maintenance_done",
                tooltip="A maintenance task was done today"),
        Binding("v", "void", "Void", show=False, id="machine.void",
                tooltip="A wrong reading or a ticket opened by mistake (the list you are in): void it with the reason"),
        Binding("p", "parts", "Parts", show=False, id="machine.parts",
                tooltip="The vendor waits for parts; pressed again, the parts came"),
        Binding("C", "close_ticket", "Close ticket", show=False, id="machine.close_ticket",
                tooltip="Close a fixed ticket with its final cost, once the invoice is in"),
        Binding("P", "plans", "Plans", show=False, id="machine.plans",
                tooltip="Maintenance plans: add, edit, remove, and when each was done"),
    ]

    def __init__(self, machine_id: int) -> None:
        super().__init__()
        self.machine_id = machine_id
        self.data: MachinePage | None = None

    def compose(self) -> ComposeResult:
        yield SectionBar("machines")
        yield Static(id="machine-title")
        with Horizontal(id="figures"):
            with Vertical(id="usage"):
                yield Label("Pages a day", id="usage-label")
                yield Sparkline([], id="pages-sparkline")
            yield Static(id="facts")
        with Horizontal(id="lists"):
            yield RecordTable([("opened", "Opened"), ("symptom", "Fault"), ("status", "Status"), ("down", "Down"),
                               ("ref", "Ref")], id="tickets")
            yield RecordTable([("taken_on", "Read on"), ("total", "Counter"), ("how", "")], id="readings")
        yield KeyBar()

    def fetch(self) -> MachinePage:
        return machine_page(self.store, self.machine_id)

    def show(self, data: MachinePage) -> None:
        self.data = data
        detail, now, today = data.detail, data.now, data.today
        machine = detail.machine
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f"{machine.label()} ", style="bold")
        title.append_text(status_cell(machine.status))
        title.append(f" · {machine.kind.value} · serial {machine.serial} · {machine.location or 'no location'}\n")
        title.append(vendor_line(machine, today), style="dim")
        title.append("\n").append_text(reported_line(machine, detail.levels))
        self.query_one("#machine-title", Static).update(inert(title))
        self.query_one("#pages-sparkline", Sparkline).data = detail.pages_per_day_series
        per_day = forecasts.recent_pages_per_day(detail.readings, today)
        self.query_one("#usage-label", Label).update(
            f"Pages a day (lately {per_day:,.0f})" if per_day is not None else "Pages a day: needs two readings"
        )
        facts = Text("\n").join([reliability_line(detail.reliability), toner_line(detail.toner, today),
                                 service_line(forecasts.next_due(detail.maintenance))])
        self.query_one("#facts", Static).update(inert(facts))
        self.query_one("#tickets", RecordTable).set_rows(ticket_row(t, now) for t in detail.tickets)
        self.query_one("#readings", RecordTable).set_rows(reading_row(r) for r in reversed(detail.history))

    def current_machine(self) -> Machine | None:
        return self.data.detail.machine if self.data else None

    def selected_ticket(self) -> Ticket | None:
        return self.data.ticket(self.query_one("#tickets", RecordTable).selected_key) if self.data else None

    def open_tickets(self) -> list[Ticket]:
        selected = self.selected_ticket()
        if selected is not None and selected.is_open:
            return [selected]
        return [t for t in (self.data.detail.tickets if self.data else []) if t.is_open]

    def last_reading(self) -> MeterReading | None:
        return forecasts.latest_reading(self.data.detail.readings) if self.data else None

    def action_back(self) -> None:
        self.dismiss()

    def action_checklist(self) -> None:
        ticket, machine = self.selected_ticket(), self.current_machine()
        if ticket is None or machine is None or not ticket.is_open:
            self.notify("Choose an open ticket first.", severity="warning")
        elif ticket.with_vendor:
            self.notify("The vendor has this one: x when it is fixed.", severity="warning")
        else:
            self.troubleshoot(machine, ticket)

    @on(DataTable.RowSelected, "#tickets")
    def action_sheet(self) -> None:
        ticket, machine = self.selected_ticket(), self.current_machine()
        if ticket is None or machine is None:
            self.notify("Choose a ticket first.", severity="warning")
        else:
            self.show_sheet(machine, ticket)

    def action_maintenance_done(self) -> None:
        plans = [due.plan for due in self.data.detail.maintenance] if self.data else []
        if not plans:
            self.notify("This machine has no maintenance plan.", severity="warning")
            return

        def done(plan_id: Hashable | None) -> None:
            if plan_id is not None:
                self.run_job(lambda: actions.maintenance_done(self.store, int(plan_id)), notice="Maintenance done today")

        self.app.push_screen(ChoiceModal("Which maintenance was done today?", [(plan.id, plan.task) for plan in plans]), done)

    def action_void(self) -> None:
        if self.query_one("#tickets", RecordTable).has_focus:
            self.void_ticket()
        else:
            self.void_reading()

    def void_reading(self) -> None:
        key = self.query_one("#readings", RecordTable).selected_key
        reading = next((r for r in self.data.detail.history if r.id == key), None) if self.data else None
        if reading is None or reading.is_void:
            self.notify("Choose a reading that counts, in the list of readings.", severity="warning")
            return
        self.ask_reason(f"Why is the reading of {reading.label()} wrong?", "typed 900,000,000 for 90,000", "reading",
                        lambda reason: actions.void_reading(self.store, reading.id, reason), f"Reading of {reading.label()} voided")

    def void_ticket(self) -> None:
        ticket = self.selected_ticket()
        if ticket is None or ticket.is_void:
            self.notify("Choose a ticket that is not voided, in the list of tickets.", severity="warning")
            return
        self.ask_reason(f"Why is ticket {ticket.label()} wrong?", "the wrong machine, not a fault…", "ticket",
                        lambda reason: actions.void_ticket(self.store, ticket.id, reason), f"Ticket {ticket.label()} voided")

    def ask_reason(self, question: str, example: str, what: str, void: Callable[[str], object], notice: str) -> None:
        def answered(reason: str | None) -> None:
            if reason is not None:
                self.run_job(lambda: void(reason), notice=notice)

        self.app.push_screen(PromptModal(question, placeholder=example,
                                         check=lambda text: None if text.strip() else f"Say why the {what} is wrong."), answered)

    def action_parts(self) -> None:
        ticket = self.selected_ticket() or next(iter(self.open_tickets()), None)
        if ticket is None or not ticket.with_vendor:
            self.notify("Choose a ticket the vendor has (the checklist's v calls the vendor).", severity="warning")
        elif ticket.status == TicketStatus.AWAITING_PARTS:
            self.run_job(lambda: actions.parts_came(self.store, ticket.id), notice="The parts came: the vendor has it again")
        else:
            self.run_job(lambda: actions.await_parts(self.store, ticket.id), notice=f"{ticket.label()}: awaiting parts")

    def action_close_ticket(self) -> None:
        ticket, machine = self.selected_ticket(), self.current_machine()
        if ticket is None or machine is None or ticket.status != TicketStatus.FIXED or ticket.is_void:
            self.notify("Choose a fixed ticket in the list of tickets (x marks one fixed).", severity="warning")
            return
        store = self.store
        form = ModelForm(
            Ticket, title=f"Close {machine.asset_tag} {ticket.label()}: the final cost", record=ticket,
            fields=["cost", "vendor_reference"],
            save=lambda edit: actions.close(store, ticket.id, edit.record.cost, edit.record.vendor_reference), save_unchanged=True,
        )
        self.app.push_screen(form, lambda t: self.saved(t, f"{machine.asset_tag} {ticket.label()} closed"))

    def action_plans(self) -> None:
        from screens.maintenance_plans import PlansScreen

        self.app.push_screen(PlansScreen(self.machine_id))

    def select_record(self, collection: str, record_id: int) -> bool:
        if collection == "machines" and record_id == self.machine_id:
            return True
        if collection == "tickets" and self.query_one("#tickets", RecordTable).select_key(record_id):
            self.query_one("#tickets").focus()
            return True
        board = next((s for s in self.app.screen_stack if isinstance(s, MachinesScreen)), None)
        if board is None:
            return False
        self.dismiss()  # another machine: back to the board, which finds it
        board.open_record(collection, record_id)
        return True
