"""19.0.2.1.0: a portal request's text opens its conversation (the portal page
shows the thread, not the description, for those). Requests sent before get
their text as their first message, dated when they were sent, without
notifying anyone again; the shipped rating step gets its title for the
customer (its record is never updated by the module's data)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    comment = env.ref("mail.mt_comment")
    cases = env["service.history"].search([("source", "=", "portal")])
    commented = set(
        env["mail.message"]
        .search(
            [
                ("model", "=", "service.history"),
                ("res_id", "in", cases.ids),
                ("message_type", "=", "comment"),
                ("subtype_id", "=", comment.id),
            ]
        )
        .mapped("res_id")
    )
    env["mail.message"].create(
        [
            {
                "model": "service.history",
                "res_id": case.id,
                "message_type": "comment",
                "subtype_id": comment.id,
                "body": case.description,
                "author_id": case.create_uid.partner_id.id,
                "date": case.create_date,
            }
            for case in cases
            if case.id not in commented and case.description
        ]
    )
    step = env.ref("sale_after_sales.followup_step_satisfaction_call", raise_if_not_found=False)
    if step and not step.customer_title:
        step.customer_title = "How satisfied are you?"
