def uninstall_hook(env):
    """Remove what the module recorded before Odoo removes what it shipped.

    Follow-ups point to the shipped plans and steps, history entries to the
    shipped contact types (and to the demo customers), equipment to the demo
    customers and products, activities on orders to
    the shipped activity types, all with foreign keys that refuse a deletion:
    without this, Odoo's removal of the module's data fails on them row by row
    and leaves those records behind.
    """
    activity_types = env["mail.activity.type"].browse(
        env["ir.model.data"]
        .sudo()
        .search([("module", "=", "sale_after_sales"), ("model", "=", "mail.activity.type")])
        .mapped("res_id")
    )
    env["mail.activity"].sudo().search([("activity_type_id", "in", activity_types.ids)]).unlink()
    for model in (
        "service.followup",
        "service.handover.result",
        "service.history",
        "service.equipment",
    ):
        env[model].sudo().with_context(active_test=False).search([]).unlink()
