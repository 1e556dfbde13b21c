"""`make test-upgrade`, after the upgrade: the renamed fields kept their values, the
customers who bought are listed, and the upgraded module works (a handover and the
follow-up scheduled action)."""

import sys

env = env  # noqa: F821, PLW0127 - provided by click-odoo
plan = env["service.followup.plan"].search([("name", "=", "Upgrade plan")])
steps = {step.name: step for step in plan.step_ids}
admin = env.ref("base.user_admin")
expected = {
    "Fixed user": {"responsible_type": "other", "responsible_id": admin, "delay_count": 5},
    "Plan responsible": {"responsible_type": "plan_responsible", "delay_count": 2},
    "Service": {"responsible_type": "service_responsible", "summary": "Call them"},
}
problems = [
    f"{name}.{field} is {steps[name][field]!r}, expected {value!r}"
    for name, values in expected.items()
    for field, value in values.items()
    if name not in steps or steps[name][field] != value
]
shipped = env.ref("sale_after_sales.followup_step_maintenance")
if (shipped.delay_count, shipped.responsible_type) != (365, "service_responsible"):
    problems.append(
        f"the shipped maintenance step is {shipped.read(['delay_count', 'responsible_type'])}"
    )
handed = env["sale.order"].search_count([("handed_over_by_id", "!=", False)])
if not handed:
    problems.append("no order says who handed it over any more")
# The customers who bought before the upgrade are in the Customers list (a
# stored field computed when the module is upgraded).
bought = env["service.history"].search([("type_id.code", "=", "sale")]).commercial_partner_id
listed = env["res.partner"].search([("service_customer_company_ids", "!=", False)])
if not bought or bought != listed:
    problems.append(f"{len(bought)} customers bought, {len(listed)} in the Customers list")
# The upgraded module works.
order = env["sale.order"].search(
    [("state", "=", "sale"), ("handover_state", "=", "not_started")], limit=1
)
order.action_start_handover()
env["service.followup"]._cron_process_due(batch_size=200)
if problems:
    sys.exit("FAILED: " + "; ".join(problems))
print(
    f"upgrade check: steps carried over, {handed} orders keep who handed them over, "
    f"{len(listed)} customers listed"
)
