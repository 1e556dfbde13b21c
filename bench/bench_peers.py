"""Odoo's own tools for the same work, run on the same orders (``make bench``):
automation rules (``base_automation``, installed in the benchmark database only)
with a time trigger on the order's date, and the activity plan wizard."""

import datetime

from odoo import fields


def _time_rule(bench, name, orders, action_vals):
    """An automation rule as a user sets it up: time trigger on the order date
    (0 hours after), limited to ``orders``, with one server action."""
    env = bench.env
    model = env["ir.model"]._get("sale.order")
    rule = env["base.automation"].create(
        {
            "name": name,
            "model_id": model.id,
            "trigger": "on_time",
            "trg_date_id": env["ir.model.fields"]._get("sale.order", "date_order").id,
            "trg_date_range": 0,
            "trg_date_range_type": "hour",
            "filter_domain": repr([("id", "in", orders.ids)]),
        }
    )
    rule.action_server_ids = [
        (0, 0, {"name": name, "model_id": model.id, "usage": "base_automation", **action_vals})
    ]
    # Last run before the orders were made: they are all due now.
    rule.last_run = fields.Datetime.now() - datetime.timedelta(days=1)
    env["base.automation"].search([("id", "!=", rule.id)]).active = False
    bench.cr.commit()
    return rule


def _run_rules(bench, rule, context=None):
    bench.env["base.automation"].with_context(**(context or {}))._cron_process_time_based_actions()
    rule.active = False


def automation_rule_activities(bench, orders, quiet=False):
    """Automation rule "create activity" (a call for the order's salesperson)."""
    call = bench.env.ref("mail.mail_activity_data_call")
    rule = _time_rule(
        bench,
        "Bench: welcome call (automation rule)",
        orders,
        {
            "state": "next_activity",
            "activity_type_id": call.id,
            "activity_summary": "Welcome call",
            "activity_user_type": "generic",
            "activity_user_field_name": "user_id",
        },
    )
    label = "automation rule, create activity" + (" (no e-mails)" if quiet else "")
    with bench.measure(label, len(orders)) as figures:
        _run_rules(bench, rule, {"mail_activity_quick_update": True} if quiet else None)
    return figures


def automation_rule_emails(bench, orders, template, method="email"):
    """Automation rule "send e-mail" with ``template`` (as e-mail, or as a
    message: the UI's default)."""
    rule = _time_rule(
        bench,
        f"Bench: thank-you (automation rule, {method})",
        orders,
        {"state": "mail_post", "template_id": template.id, "mail_post_method": method},
    )
    label = "automation rule, send e-mail" + (" as message" if method == "comment" else "")
    with bench.measure(label, len(orders)) as figures:
        _run_rules(bench, rule)
    return figures


def activity_plan_wizard(bench, orders, user):
    """The activity plan launched from the *Schedule activity* wizard, 500
    records a launch at most (the UI's limit)."""
    env = bench.env
    call = env.ref("mail.mail_activity_data_call")
    plan = env["mail.activity.plan"].create(
        {
            "name": "Bench: welcome call (activity plan)",
            "res_model": "sale.order",
            "template_ids": [
                (0, 0, {"activity_type_id": call.id, "summary": "Welcome call", "delay_count": 0})
            ],
        }
    )
    bench.cr.commit()
    with bench.measure("activity plan wizard", len(orders)) as figures:
        for start in range(0, len(orders), 500):
            chunk = orders[start : start + 500]
            wizard = (
                env["mail.activity.schedule"]
                .with_context(active_model="sale.order", active_ids=chunk.ids)
                .create({"plan_id": plan.id, "plan_on_demand_user_id": user.id})
            )
            wizard.action_schedule_plan()
    return figures
