"""`make test-upgrade`, in the database of the previous version: a plan whose steps use
every assignment and a translated summary, so that the upgrade has them to carry over."""

env = env  # noqa: F821, PLW0127 - provided by click-odoo
Step = env["service.followup.plan.step"]
old_names = "delay" in Step._fields  # the version before the renames
admin = env.ref("base.user_admin")
steps = [
    {"name": "Fixed user", "assign_to": "user", "user_id": admin.id, "delay": 5},
    {
        "name": "Plan responsible",
        "assign_to": "plan_responsible",
        "delay": 2,
        "delay_unit": "weeks",
    },
    {"name": "Service", "assign_to": "service_responsible", "activity_summary": "Call them"},
]
if not old_names:
    raise SystemExit("upgrade_data.py expects the previous version's field names")
env["service.followup.plan"].create(
    {"name": "Upgrade plan", "user_id": admin.id, "step_ids": [(0, 0, vals) for vals in steps]}
)
env.cr.commit()
