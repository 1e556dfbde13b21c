"""Data for `make test-lifecycle` (run by click-odoo in the lifecycle database).

Creates ORDERS confirmed orders (default 2 000) for 200 customers, with their
follow-ups, handovers at every stage and history entries, so that updating and
uninstalling the module meet a database in use, not an empty one.
"""

import os

from odoo import Command

env = env  # noqa: F821, PLW0127 - provided by click-odoo
count = int(os.environ.get("ORDERS", "2000"))
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))

customers = env["res.partner"].create(
    [
        {
            "name": f"Lifecycle Customer {index}",
            "email": f"lifecycle{index}@example.com",
            "phone": "+32 2 555 00 00",
            "street": f"{index} Main Street",
            "city": "Brussels",
            "country_id": env.ref("base.be").id,
        }
        for index in range(200)
    ]
)
products = env["product.product"].create(
    [
        {"name": f"Lifecycle Product {index}", "type": "consu", "list_price": 100}
        for index in range(5)
    ]
)
orders = env["sale.order"].create(
    [
        {
            "partner_id": customers[index % len(customers)].id,
            "user_id": env.ref("base.user_admin").id,
            "handover_note": "<p>Ground floor.</p>",
            "order_line": [
                Command.create({"product_id": products[index % 5].id, "product_uom_qty": 1}),
                Command.create({"product_id": products[(index + 1) % 5].id, "product_uom_qty": 2}),
            ],
        }
        for index in range(count)
    ]
)
orders.action_confirm()
handed = orders[: count // 2]
handed.action_start_handover()
handed.handover_result_ids.filtered(lambda r: r.kind == "manual").action_tick()
handed.action_hand_over()
handed[: count // 4].action_accept_handover()
env["service.followup"]._cron_process_due(batch_size=500)
env["service.history"].create(
    [
        {
            "partner_id": customers[index % len(customers)].id,
            "type_id": env.ref("sale_after_sales.history_type_repair").id,
            "summary": f"Repair {index}",
            "satisfaction": str(index % 6),
        }
        for index in range(count)
    ]
)
env.cr.commit()
print(
    f"lifecycle data: {len(orders)} orders, "
    f"{env['service.followup'].search_count([])} follow-ups, "
    f"{env['service.history'].search_count([])} history entries"
)
