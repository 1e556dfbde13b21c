"""`make test-lifecycle`: a built-in check added by another module (STAGE=use) and what
is left of it once that module is uninstalled (STAGE=after)."""

import os
import sys

env = env  # noqa: F821, PLW0127 - provided by click-odoo
Check = env["service.handover.check"].with_context(active_test=False)
orders = env["sale.order"].search([("state", "=", "sale")], limit=20)
if os.environ["STAGE"] == "use":
    check = Check.create(
        {"name": "Lifecycle reference", "method": "lifecycle_reference", "severity": "warning"}
    )
    orders._run_handover_checks()
    results = orders.handover_result_ids.filtered(lambda r: r.check_id == check)
    assert len(results) == len(orders), "the extension's check ran on every order"
    env.cr.commit()
    print(f"lifecycle check: {len(results)} results of the extension's check")
else:
    check = Check.search([("name", "=", "Lifecycle reference")])
    if check.active or check.method:
        sys.exit(f"FAILED: the removed module's check is {check.read(['active', 'method'])}")
    orders._run_handover_checks()  # no missing method
    if orders.handover_result_ids.filtered(lambda r: r.check_id == check):
        sys.exit("FAILED: results of the removed module's check are left")
    print("lifecycle check: the removed module's check is archived, handovers still run")
