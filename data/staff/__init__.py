"""Staff after hiring: employees, trainings, warnings (progressive discipline), termination.

Every record here lives in hr/people.json, which only HR may read. models (what a record
is), rules (what may happen, how a file reads), actions (what HR does to the store), views
(what the staff section shows).
"""

from data.engine.collections import Collection
from data.staff.actions import check_employees_exist
from data.staff.models import Employee, StaffEvent

COLLECTIONS = [
    Collection("employees", Employee, "people", "employee", columns=("name", "role", "department", "start_date", "manager", "status"),
               adder="data.staff.actions:add_employee"),
    Collection("staff_events", StaffEvent, "people", "staff event", columns=("employee_id", "kind", "on", "course", "level", "reason"),
               check=check_employees_exist, adder="data.staff.actions:add_event"),
]
