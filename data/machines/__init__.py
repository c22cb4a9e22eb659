"""Machines: copiers, printers, fax machines and scanners; their meter readings, faults,
repair tickets and maintenance.

models (what a record is), rules (what may happen to it), forecasts (what the readings and
the toner issued foretell), actions (what a person does to the store), views (what a screen
shows), the troubleshooting checklists, and polling (what a machine on the network reports
of itself, read by printer_snmp or printer_ipp into printer_report's shape).
"""

from data.engine.collections import Collection
from data.machines.actions import check_machine_ids, check_machines, check_readings
from data.machines.forecasts import last_readings
from data.machines.models import Machine, MaintenancePlan, MeterReading, SupplyLevel, Ticket
from data.machines.rules import ticket_is_closed

COLLECTIONS = [
    Collection("machines", Machine, "machines", "machine",
               columns=("asset_tag", "kind", "make", "model", "serial", "location", "status"), check=check_machines),
    # Readings are history too: past the archive age they go, but each machine's last stays,
    # for the next reading to be checked against.
    Collection("meter_readings", MeterReading, "machines", "meter reading",
               columns=("machine_id", "taken_on", "total", "mono", "colour"), check=check_readings,
               adder="data.machines.actions:add_reading", is_closed=lambda reading: True, keeps=last_readings),
    Collection("tickets", Ticket, "machines", "ticket", columns=("machine_id", "symptom", "status", "opened_at", "fixed_at"),
               is_closed=ticket_is_closed, check=check_machine_ids,
               new_fields=("machine_id", "symptom", "detail"), adder="data.machines.actions:add_ticket"),
    # Levels as the machines reported them: history, so old ones go to the archive.
    Collection("supply_levels", SupplyLevel, "machines", "supply level", columns=("machine_id", "at", "description", "percent"),
               is_closed=lambda level: True, check=check_machine_ids, new_fields=(),
               made_by="supply levels come from the machines: `backoffice machines poll`"),
    Collection("maintenance_plans", MaintenancePlan, "machines", "maintenance plan",
               columns=("machine_id", "task", "every_days", "every_pages", "last_done_on"), check=check_machine_ids),
]
